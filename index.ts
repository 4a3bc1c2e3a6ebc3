// ssm-fleet-baseline: the validated config's sections in, the components, their notification
// routes wired to the pipeline, and what operators need out.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { activationTierSettingId, dhmcSettingId } from "./aws/identifiers";
import { AccessLogBucket } from "./components/accessLogBucket";
import { AgentAutoUpdate } from "./components/agentAutoUpdate";
import { Canary } from "./components/canary";
import { adoptedVpc, ClosedVpc } from "./components/network/closedVpc";
import { DefaultHostManagement } from "./components/defaultHostManagement";
import { HybridActivation } from "./components/hybridActivation";
import { LogEncryptionKey } from "./components/logEncryptionKey";
import { ManagedNodeCompliance } from "./components/managedNodeCompliance";
import { diagnosisRoutes, ManagedNodeHealthWatch } from "./components/healthWatch/managedNodeHealthWatch";
import { ManagedNodeLaunchTemplate } from "./components/managedNodeLaunchTemplate";
import { dhmcNodeRoleKey, NodeRoles } from "./components/parts/nodeRoles";
import { NotificationPipeline } from "./components/notifications/notificationPipeline";
import { PatchManager } from "./components/patchManager";
import { SessionManagerPreferences } from "./components/sessionManagerPreferences";
import { SsmEndpoints } from "./components/network/ssmEndpoints";
import { VpcFlowLogs } from "./components/network/vpcFlowLogs";
import { FleetDashboard } from "./components/dashboard/fleetDashboard";
import { MonitoringLink } from "./components/organizationView/monitoringLink";
import { TamperWatch, tamperContext, tamperRoutes, WatchedResource } from "./components/tamperWatch/tamperWatch";
import { loadBaselineConfig } from "./config";

const config = loadBaselineConfig();
const caller = aws.getCallerIdentityOutput();
const accountId = caller.accountId;
const logEncryption = new LogEncryptionKey("log-encryption", { region: config.region, accountId });
// Buckets of audit and output data outlive a destroy as the region-wide settings do.
const { regionalSettingsProtection } = config.dhmc;
const accessLogs = new AccessLogBucket("access-logs", { ...config.accessLogs, accountId, regionalSettingsProtection });

const network =
    config.network.mode === "create" ? new ClosedVpc("ssm-vpc", config.network.vpc) : adoptedVpc(config.network.vpc);
const flowLogs = config.flowLogs
    ? new VpcFlowLogs("vpc-flow-logs", {
          ...config.flowLogs,
          accountId,
          vpcId: network.vpcId,
          logKeyArn: logEncryption.keyArn,
      })
    : undefined;
const dhmc = new DefaultHostManagement("dhmc", { ...config.dhmc, accountId });
const hybrid = config.hybrid ? new HybridActivation("hybrid", { ...config.hybrid, accountId }) : undefined;
// Every role nodes run with: associations and sessions reach EC2 instances and hybrid servers alike.
const nodeRoles: NodeRoles = {
    [dhmcNodeRoleKey]: { name: dhmc.roleName, arn: dhmc.roleArn, accountWide: true },
    ...(hybrid ? { hybrid: { name: hybrid.roleName, arn: hybrid.roleArn } } : {}),
};
const agentUpdate = new AgentAutoUpdate("ssm-agent-update", {
    ...config.agentUpdate,
    nodeRoles,
    accessLogs,
    regionalSettingsProtection,
});
const compliance = new ManagedNodeCompliance("managed-nodes", {
    ...config.compliance,
    accountId,
    accessLogs,
    regionalSettingsProtection,
});
const sessionManager = config.sessionManager
    ? new SessionManagerPreferences("session-manager", {
          ...config.sessionManager,
          accountId,
          accessLogs,
          nodeRoles,
      })
    : undefined;
const patching = config.patching
    ? new PatchManager("patching", {
          ...config.patching,
          accountId,
          accessLogs,
          nodeRoles,
          regionalSettingsProtection,
      })
    : undefined;
// After the components whose buckets the nodes upload to, which a restricted S3 endpoint must let through.
const endpoints = new SsmEndpoints("ssm-endpoints", {
    ...config.endpoints,
    network,
    outputBucketArns: [
        agentUpdate.outputBucketArn,
        ...(patching ? [patching.outputBucketArn] : []),
        ...(sessionManager?.logBucketArn ? [sessionManager.logBucketArn] : []),
    ],
});
const launchTemplate = new ManagedNodeLaunchTemplate("managed-node", {
    securityGroupId: endpoints.managedNodeSecurityGroupId,
});
const canary = config.canary
    ? new Canary("canary", { subnetId: network.subnetIds[0], securityGroupId: endpoints.managedNodeSecurityGroupId })
    : undefined;

// What the tamper watch's mail names as the stack's: each resource a change can break, with its owner.
// The pipeline's own resources are known by their autoname prefix: their names are its outputs. Its
// keys, whose ids no prefix matches, it adds itself. Every other KMS key is listed here by its ARN.
const notifyName = "ssm-notify";
const tamperResources: WatchedResource[] = [
    [dhmcSettingId, dhmc.urn],
    [dhmc.roleName, dhmc.urn],
    ...(hybrid
        ? ([
              [activationTierSettingId, hybrid.urn],
              [hybrid.roleName, hybrid.urn],
              [hybrid.activationId, hybrid.urn],
          ] as WatchedResource[])
        : []),
    ...(sessionManager
        ? ([
              [sessionManager.documentName, sessionManager.urn],
              [sessionManager.keyArn, sessionManager.urn],
          ] as WatchedResource[])
        : []),
    [agentUpdate.associationId, agentUpdate.urn],
    [compliance.ruleName, compliance.urn],
    ...(patching
        ? ([
              [patching.baselineId, patching.urn],
              [patching.maintenanceWindowId, patching.urn],
          ] as WatchedResource[])
        : []),
    ...Object.values(endpoints.interfaceEndpointIds).map(id => [id, endpoints.urn] as WatchedResource),
    [endpoints.s3GatewayEndpointId, endpoints.urn],
    [endpoints.endpointSecurityGroupId, endpoints.urn],
    [endpoints.managedNodeSecurityGroupId, endpoints.urn],
    ...(network instanceof ClosedVpc ? ([[network.vpcId, network.urn]] as WatchedResource[]) : []),
    [logEncryption.keyArn, logEncryption.urn],
    [`${notifyName}-*`, pulumi.createUrn(notifyName, "ssm-fleet-baseline:index:NotificationPipeline")],
    ...(config.healthWatch
        ? ([
              ["node-health-*", pulumi.createUrn("node-health", "ssm-fleet-baseline:index:ManagedNodeHealthWatch")],
          ] as WatchedResource[])
        : []),
];

const notifications = new NotificationPipeline(notifyName, {
    ...config.notifications,
    accountId,
    routes: [
        agentUpdate.notificationRoute,
        compliance.notificationRoute,
        ...diagnosisRoutes(config.healthWatch),
        ...(patching?.notificationRoutes ?? []),
        ...(config.tamperWatch ? tamperRoutes(config.tamperWatch, pulumi.getStack()) : []),
    ],
    logKeyArn: logEncryption.keyArn,
    tamperContext: config.tamperWatch
        ? tamperContext(
              config.tamperWatch,
              pulumi.getStack(),
              tamperResources,
              // Whoever runs `pulumi up` is a deployer: for an assumed role (the CI's), the role behind the session.
              aws.iam.getSessionContextOutput({ arn: caller.arn }).issuerArn,
          )
        : undefined,
});
const tamperWatch = config.tamperWatch
    ? new TamperWatch("tamper-watch", { ...config.tamperWatch, accountId, watchTopicArn: notifications.watchTopicArn })
    : undefined;

const healthWatch = config.healthWatch
    ? new ManagedNodeHealthWatch("node-health", {
          ...config.healthWatch,
          accountId,
          topicArn: notifications.topicArn,
          topicKeyArn: notifications.topicKeyArn,
          watchTopicArn: notifications.watchTopicArn,
          notificationEmails: config.notifications.emails,
          logKeyArn: logEncryption.keyArn,
      })
    : undefined;
// Every publisher of the notification topic is built: its policy admits exactly them.
notifications.writeTopicPolicy(healthWatch ? [healthWatch.sweepRoleArn] : []);
// Every bucket that sends its access logs is built: the access-log bucket's policy names them all.
accessLogs.writePolicy();

const dashboard = config.dashboard
    ? new FleetDashboard("fleet", {
          region: config.region,
          alarmArns: [...notifications.alarmArns, ...(healthWatch?.alarmArns ?? []), ...(tamperWatch?.alarmArns ?? [])],
          notifierFunctionName: notifications.notifierFunctionName,
          notifierLogGroupName: notifications.notifierLogGroupName,
          notificationRuleNames: notifications.ruleNames,
          deadLetterQueueNames: [
              notifications.deadLetterQueueName,
              ...(healthWatch ? [healthWatch.deadLetterQueueName] : []),
          ],
          topicName: notifications.topicName,
          tamperWatch: tamperWatch !== undefined,
          healthWatch: healthWatch?.dashboardView,
      })
    : undefined;
const monitoringLink = config.monitoringLink ? new MonitoringLink("monitoring", config.monitoringLink) : undefined;

export const notificationTopicArn = notifications.topicArn;
export const deadLetterQueueUrl = notifications.deadLetterQueueUrl;
export const notifierFunctionName = notifications.notifierFunctionName;
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
export const accessLogBucket = accessLogs.bucketName;
export const configRuleName = compliance.ruleName;
export const canaryInstanceId = canary?.instanceId;
export const healthWatchTableName = healthWatch?.tableName;
export const sessionPreferencesDocument = sessionManager?.documentName;
export const sessionLogBucket = sessionManager?.logBucketName;
export const sessionLogGroup = sessionManager?.logGroupName;
export const sessionKeyArn = sessionManager?.keyArn;
export const sessionLogReadersScp = sessionManager?.logReadersScp;
export const hybridRoleName = hybrid?.roleName;
export const hybridInstanceTier = hybrid?.instanceTier;
export const hybridActivationId = hybrid?.activationId;
// Secrets: the code registers servers into this account, and the commands contain it.
export const hybridActivationCode = hybrid?.activationCode;
export const hybridRegistrationCommands = hybrid?.registrationCommands;
export const patchBaselineId = patching?.baselineId;
export const patchWindowId = patching?.maintenanceWindowId;
export const patchOutputBucket = patching?.outputBucketName;
export const flowLogGroupName = flowLogs?.logGroupName;
export const dashboardName = dashboard?.dashboardName;
export const monitoringLinkArn = monitoringLink?.linkArn;
export const tamperHeartbeatParameter = tamperWatch?.heartbeatParameterName;
export const tamperDhmcSettingScp = tamperWatch?.dhmcSettingScp;
export const tamperImdsDeclarativePolicy = tamperWatch?.imdsDeclarativePolicy;
