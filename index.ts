// ssm-fleet-baseline: read the validated config, compose the components, export what operators need.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AgentAutoUpdate } from "./components/agentAutoUpdate";
import { Canary } from "./components/canary";
import { ClosedVpc } from "./components/closedVpc";
import { DefaultHostManagement } from "./components/defaultHostManagement";
import { associationResultPattern, complianceChangePattern } from "./components/eventPatterns";
import { ManagedNodeCompliance } from "./components/managedNodeCompliance";
import { ManagedNodeHealthWatch } from "./components/managedNodeHealthWatch";
import { ManagedNodeLaunchTemplate } from "./components/managedNodeLaunchTemplate";
import { NotificationPipeline } from "./components/notificationPipeline";
import { SsmEndpoints } from "./components/ssmEndpoints";
import { loadBaselineConfig } from "./config";

const config = loadBaselineConfig();
const accountId = aws.getCallerIdentityOutput().accountId;

const network =
    config.network.mode === "create"
        ? new ClosedVpc("ssm-vpc", config.network)
        : {
              vpcId: pulumi.output(config.network.vpcId),
              cidrBlock: pulumi.output(config.network.cidrBlock),
              subnetIds: config.network.subnets.map(subnet => pulumi.output(subnet.id)),
              routeTableIds: config.network.routeTableIds.map(id => pulumi.output(id)),
          };
const endpoints = new SsmEndpoints("ssm-endpoints", {
    region: config.region,
    vpcId: network.vpcId,
    vpcCidrBlock: network.cidrBlock,
    subnetIds: network.subnetIds,
    routeTableIds: network.routeTableIds,
    includeEc2Messages: config.ec2MessagesEndpoint,
});
const dhmc = new DefaultHostManagement("dhmc", {
    region: config.region,
    roleName: config.dhmcRoleName,
    protection: config.regionalSettingsProtection,
});
const launchTemplate = new ManagedNodeLaunchTemplate("managed-node", {
    securityGroupId: endpoints.managedNodeSecurityGroupId,
});
const canary = config.canary
    ? new Canary("canary", { subnetId: network.subnetIds[0], securityGroupId: endpoints.managedNodeSecurityGroupId })
    : undefined;
const agentUpdate = new AgentAutoUpdate("ssm-agent-update", {
    region: config.region,
    ...config.agentUpdate,
    logRetentionDays: config.logRetentionDays,
    nodeRoleName: dhmc.roleName,
});
const compliance = new ManagedNodeCompliance("managed-nodes", {
    region: config.region,
    accountId,
    ...config.compliance,
    deliveryRetentionDays: config.logRetentionDays,
});
const notifications = new NotificationPipeline("ssm-notify", {
    region: config.region,
    accountId,
    emails: config.notificationEmails,
    routes: {
        "agent-update": {
            description: "Results of this stack's SSM Agent update association",
            eventPattern: agentUpdate.associationId.apply(id => JSON.stringify(associationResultPattern(id))),
        },
        "managed-node-compliance": {
            description: "Running EC2 instances that stop or start being managed by Systems Manager",
            eventPattern: compliance.ruleName.apply(name => JSON.stringify(complianceChangePattern(name))),
        },
    },
});

const healthWatch = config.healthWatch
    ? new ManagedNodeHealthWatch("node-health", {
          region: config.region,
          accountId,
          ...config.healthWatch,
          topicArn: notifications.topicArn,
          topicKeyArn: notifications.topicKeyArn,
      })
    : undefined;

export const notificationTopicArn = notifications.topicArn;
export const deadLetterQueueUrl = notifications.deadLetterQueueUrl;
export const vpcId = network.vpcId;
export const subnetIds = network.subnetIds;
export const interfaceEndpointIds = endpoints.interfaceEndpointIds;
export const s3GatewayEndpointId = endpoints.s3GatewayEndpointId;
export const managedNodeSecurityGroupId = endpoints.managedNodeSecurityGroupId;
export const managedNodeLaunchTemplateId = launchTemplate.launchTemplateId;
export const dhmcRoleArn = dhmc.roleArn;
export const dhmcSettingValue = dhmc.settingValue;
export const agentUpdateAssociationId = agentUpdate.associationId;
export const agentUpdateOutputBucket = agentUpdate.outputBucketName;
export const configRuleName = compliance.ruleName;
export const canaryInstanceId = canary?.instanceId;
export const healthWatchTableName = healthWatch?.tableName;
