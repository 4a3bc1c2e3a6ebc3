// User data that makes a new Linux instance qualify for DHMC. Pure text generation.
import { dhmcMinimumAgentVersion } from "./agentVersion";

/**
 * A bash script for RPM-based Linux (Amazon Linux, RHEL family) on x86_64 or arm64. It asks
 * IMDSv2 (token first: DHMC does not support IMDSv1) for the region, and when the installed SSM
 * Agent is missing or older than the DHMC floor, installs the latest agent from the regional
 * `amazon-ssm-<region>` bucket, which a closed VPC reaches through its S3 gateway endpoint.
 * Package URL form: SSM User Guide, "Manually install SSM Agent on Amazon Linux 2023".
 */
export function managedNodeUserData(minimumVersion: string = dhmcMinimumAgentVersion): string {
    return `#!/bin/bash
# ssm-fleet-baseline: bring the SSM Agent to ${minimumVersion} or newer so that DHMC can manage this node.
set -euo pipefail
minimum="${minimumVersion}"
imds="http://169.254.169.254/latest"
token="$(curl -sS --fail -X PUT "$imds/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")"
region="$(curl -sS --fail -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/placement/region")"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) echo "ssm-fleet-baseline: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
needs_install=yes
if rpm -q amazon-ssm-agent >/dev/null 2>&1; then
  installed="$(rpm -q --queryformat '%{VERSION}' amazon-ssm-agent)"
  oldest="$(printf '%s\\n%s\\n' "$minimum" "$installed" | sort -V | head -n 1)"
  if [ "$oldest" = "$minimum" ]; then needs_install=no; fi
fi
if [ "$needs_install" = yes ]; then
  package="https://s3.$region.amazonaws.com/amazon-ssm-$region/latest/linux_$arch/amazon-ssm-agent.rpm"
  if command -v dnf >/dev/null; then dnf install -y "$package"; else yum install -y "$package"; fi
fi
systemctl enable amazon-ssm-agent
systemctl restart amazon-ssm-agent
`;
}
