// The registration commands as the SSM User Guide gives them, for Linux
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-install-managed-linux.html)
// and Windows Server in PowerShell as Administrator
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-install-managed-win.html).
import * as assert from "assert";
import { registrationCommands } from "../../aws/hybridRegistration";

const code = "Hj3Fp9mQx2Zk8TnV4bWc";
const id = "3f6a1b2c-4d5e-4f60-8a9b-0c1d2e3f4a5b";

describe("hybrid registration commands", () => {
    it("registers a Linux server with the code, id and region, between stopping and starting the agent", () => {
        assert.strictEqual(
            registrationCommands(code, id, "eu-west-1").linux,
            [
                "sudo systemctl stop amazon-ssm-agent",
                `sudo -E amazon-ssm-agent -register -code "${code}" -id "${id}" -region "eu-west-1"`,
                "sudo systemctl start amazon-ssm-agent",
                "",
            ].join("\n"),
        );
    });

    it("installs and registers a Windows server from the region's own amazon-ssm bucket", () => {
        const lines = registrationCommands(code, id, "ap-southeast-2").windows.split("\n");
        assert.deepStrictEqual(lines.slice(0, 3), [`$code = "${code}"`, `$id = "${id}"`, '$region = "ap-southeast-2"']);
        assert.ok(
            lines.includes(
                '(New-Object System.Net.WebClient).DownloadFile("https://amazon-ssm-$region.s3.$region.amazonaws.com/latest/windows_amd64/AmazonSSMAgentSetup.exe", $dir + "\\AmazonSSMAgentSetup.exe")',
            ),
        );
        assert.ok(
            lines.includes(
                'Start-Process .\\AmazonSSMAgentSetup.exe -ArgumentList @("/q", "/log", "install.log", "CODE=$code", "ID=$id", "REGION=$region") -Wait',
            ),
        );
        assert.strictEqual(lines.at(-2), 'Get-Service -Name "AmazonSSMAgent"');
    });
});
