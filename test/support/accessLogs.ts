// A stand-in access-log destination for component tests: it records which buckets it admits.
import * as pulumi from "@pulumi/pulumi";
import { AccessLogDestination } from "../../components/parts/privateBucket";

export class RecordingAccessLogs extends pulumi.ComponentResource implements AccessLogDestination {
    readonly bucketName = pulumi.output("access-logs-bucket");
    readonly admitted: { sourceName: string; sourceArn: pulumi.Output<string> }[] = [];

    /** Construct it under the mocks, inside the build. */
    constructor() {
        super("test:index:RecordingAccessLogs", "access-logs");
        this.registerOutputs({});
    }

    admit(sourceName: string, sourceArn: pulumi.Output<string>): void {
        this.admitted.push({ sourceName, sourceArn });
    }
}
