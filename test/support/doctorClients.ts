// SDK clients for the doctor that answer from a script: a Region where a first deploy with the
// default config goes through, which a test changes per service. The answers' shapes and their AWS
// sources are cited in test/driver/doctor.test.ts.
import type { DoctorClients, DoctorSettings, Sender } from "../../driver/doctor";

export const roleName = "AWSSystemsManagerDefaultEC2InstanceManagementRole";

/** A dev stack that creates the DHMC role and owns the session document, with the tamper watch on. */
export const readySettings: DoctorSettings = {
    stack: "dev",
    region: "eu-west-1",
    createConfigRecorder: false,
    dhmcRole: "create",
    dhmcRoleName: roleName,
    sessionPreferences: true,
    sessionPreferencesAdopt: false,
    tamperWatch: true,
    adoptQuickSetup: false,
};

/** A client answering per SDK command name; an Error is thrown. Records what was sent. */
export function scripted(answers: Record<string, unknown>): Sender & { sent: string[] } {
    const sent: string[] = [];
    return {
        sent,
        async send(command: { constructor: { name: string } }) {
            const name = command.constructor.name;
            sent.push(name);
            if (!(name in answers)) {
                throw new Error(`unexpected ${name}`);
            }
            const answer = answers[name];
            if (answer instanceof Error) {
                throw answer;
            }
            return answer;
        },
    };
}

export const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

export const orgTrailArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail";

/** A region where a first deploy with the default config goes through. */
export const readyAnswers = {
    config: {
        DescribeConfigurationRecorderStatusCommand: {
            ConfigurationRecordersStatus: [{ name: "default", recording: true, lastStatus: "SUCCESS" }],
        },
    },
    iam: { GetRoleCommand: awsError("NoSuchEntityException", `The role with name ${roleName} cannot be found.`) },
    ssm: {
        GetServiceSettingCommand: {
            ServiceSetting: {
                SettingId: "/ssm/managed-instance/default-ec2-instance-management-role",
                SettingValue: "$None",
                Status: "Default",
            },
        },
        DescribeDocumentCommand: awsError(
            "InvalidDocument",
            "Document with name SSM-SessionManagerRunShell does not exist.",
        ),
        ListAssociationsCommand: { Associations: [] },
    },
    ec2: {
        DescribeRegionsCommand: { Regions: [{ RegionName: "eu-west-1", OptInStatus: "opt-in-not-required" }] },
        GetInstanceMetadataDefaultsCommand: { AccountLevel: {} },
    },
    // The organization's multi-region trail, homed in us-east-1: a shadow trail in eu-west-1.
    cloudtrail: {
        DescribeTrailsCommand: {
            trailList: [
                { Name: "org-trail", TrailARN: orgTrailArn, HomeRegion: "us-east-1", IsMultiRegionTrail: true },
            ],
        },
        GetTrailStatusCommand: { IsLogging: true },
        GetEventSelectorsCommand: {
            TrailARN: orgTrailArn,
            EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] }],
        },
    },
};

type Answers = typeof readyAnswers;

export function clientsFor(changes: { [K in keyof Answers]?: Record<string, unknown> } = {}): DoctorClients {
    return {
        config: scripted({ ...readyAnswers.config, ...changes.config }),
        iam: scripted({ ...readyAnswers.iam, ...changes.iam }),
        ssm: scripted({ ...readyAnswers.ssm, ...changes.ssm }),
        ec2: scripted({ ...readyAnswers.ec2, ...changes.ec2 }),
        cloudtrail: scripted({ ...readyAnswers.cloudtrail, ...changes.cloudtrail }),
    };
}
