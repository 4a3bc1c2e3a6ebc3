// The sweep's Embedded Metric Format documents against the format's specification: a root object
// with an _aws member holding a millisecond Timestamp and CloudWatchMetrics directives, each with a
// Namespace, dimension sets of at most 30 keys (empty allowed) that name root string members, and
// at most 100 metrics that name root numbers or arrays of at most 100 numbers.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import * as assert from "assert";
import {
    agentMajorMinor,
    emfDocuments,
    emfLimits,
    maxValuesPerDimension,
    nodesMetricName,
    patchComplianceDocuments,
    timeToManagedDocuments,
} from "../../../../components/healthWatch/lambda/healthMetrics";
import { runSweep } from "../../../../components/healthWatch/lambda/healthSweep";
import { countByStatus } from "../../../../components/healthWatch/lambda/nodeHealth";
import { metricNamespace } from "../../../../components/parts/lambda/nodeStatus";
import { SimulatedFleet, sweepSettings } from "../../../../harness/simulatedFleet";

const now = Date.parse("2026-12-01T12:00:00Z");
const settings = sweepSettings({
    tableName: "t",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
    debounce: 1,
    excludeTagKey: "x",
    maxDiagnoses: 0,
});

/** Checks one document as the specification states it; returns it parsed. */
function assertEmf(line: string): Record<string, any> {
    const document = JSON.parse(line);
    const aws = document._aws;
    assert.ok(aws && typeof aws === "object", "an _aws member");
    assert.ok(Number.isInteger(aws.Timestamp) && aws.Timestamp > 1e12, "Timestamp in epoch milliseconds");
    assert.ok(Array.isArray(aws.CloudWatchMetrics) && aws.CloudWatchMetrics.length > 0);
    for (const directive of aws.CloudWatchMetrics) {
        assert.ok(typeof directive.Namespace === "string" && directive.Namespace.length > 0);
        assert.ok(Array.isArray(directive.Dimensions));
        for (const set of directive.Dimensions) {
            assert.ok(set.length <= emfLimits.dimensionsPerSet, "at most 30 dimensions a set; a set MAY be empty");
            for (const key of set) {
                assert.strictEqual(typeof document[key], "string", `dimension ${key} is a root string member`);
                assert.ok(document[key].length > 0 && document[key].length <= 1024);
            }
        }
        assert.ok(directive.Metrics.length >= 1 && directive.Metrics.length <= emfLimits.metricsPerDocument);
        for (const metric of directive.Metrics) {
            const value = document[metric.Name];
            assert.ok(
                typeof value === "number" ||
                    (Array.isArray(value) && value.length <= 100 && value.every(v => typeof v === "number")),
                `metric ${metric.Name} is a root number, or an array of at most 100`,
            );
            assert.ok([undefined, "Count", "Seconds"].includes(metric.Unit), "a CloudWatch unit");
        }
    }
    return document;
}

describe("the sweep's Embedded Metric Format counts", () => {
    it("log one valid document per status, agent and platform group, summing to the sweep's counts", async () => {
        const fleet = new SimulatedFleet();
        const launched = new Date(now - 3600_000);
        fleet.addInstance("i-1", launched, {
            PingStatus: "Online",
            AgentVersion: "3.3.1142.0",
            PlatformName: "Amazon Linux",
        });
        fleet.addInstance("i-2", launched, {
            PingStatus: "Online",
            AgentVersion: "3.3.987.0",
            PlatformName: "Amazon Linux",
        });
        fleet.addInstance("i-3", launched, { PingStatus: "Online", AgentVersion: "3.1.1.0", PlatformName: "Ubuntu" });
        fleet.addInstance("i-4", launched, {
            PingStatus: "ConnectionLost",
            AgentVersion: "3.3.1.0",
            PlatformName: "Ubuntu",
        });
        fleet.addInstance("i-5", launched, null);
        const lines: string[] = [];
        const report = await runSweep(
            fleet,
            settings,
            now,
            async () => undefined,
            line => lines.push(line),
        );
        const documents = lines
            .map(line => JSON.parse(line))
            .filter(d => d._aws)
            .map(d => assertEmf(JSON.stringify(d)))
            .filter(d => d[nodesMetricName] !== undefined);
        assert.ok(documents.every(d => d._aws.CloudWatchMetrics[0].Namespace === metricNamespace));
        assert.deepStrictEqual(
            documents.map(d => [d.Status, d.AgentVersion, d.PlatformName, d[nodesMetricName]]).sort(),
            [
                ["agent-outdated", "3.1", "Ubuntu", 1],
                ["connection-lost", "3.3", "Ubuntu", 1],
                ["never-registered", "none", "unknown", 1],
                ["online", "3.3", "Amazon Linux", 2],
            ],
        );
        for (const [status, count] of Object.entries(report.counts)) {
            const summed = documents.filter(d => d.Status === status).reduce((sum, d) => sum + d.Nodes, 0);
            assert.strictEqual(summed, count, status);
        }
        assert.ok(fleet.latestMetrics().NodesUnmanaged === 3, "the dimensionless metrics stay, for the alarms");
    });

    it("keep at most 10 agent versions and 10 platforms, counting the rarest as other", () => {
        const observations = Array.from({ length: 60 }, (_, i) => ({
            nodeId: `i-${i}`,
            kind: "ec2" as const,
            status: "online" as const,
            detail: "",
            agentVersion: `3.${i % 15}.0.0`,
            platformName: `Platform ${i % 20}`,
        }));
        const documents = emfDocuments(observations, now);
        const values = (key: string) => new Set(documents.map(d => (d as any)[key]));
        assert.strictEqual(values("AgentVersion").size, maxValuesPerDimension + 1);
        assert.ok(values("AgentVersion").has("other") && values("PlatformName").has("other"));
        assert.strictEqual(values("PlatformName").size, maxValuesPerDimension + 1);
        assert.strictEqual(
            documents.reduce((sum, d) => sum + d.Nodes, 0),
            60,
        );
        assert.deepStrictEqual(countByStatus(observations).online, 60);
    });

    it("log patch non-compliance as one valid document per severity, and times to managed 100 values a document", () => {
        const severities = patchComplianceDocuments(
            { Critical: 2, High: 0, Medium: 1, Low: 0, Informational: 0, Unspecified: 0 },
            now,
        ).map(d => assertEmf(JSON.stringify(d)));
        assert.deepStrictEqual(
            severities.map(d => [d.Severity, d.NodesPatchNonCompliant]),
            [
                ["Critical", 2],
                ["High", 0],
                ["Medium", 1],
                ["Low", 0],
                ["Informational", 0],
                ["Unspecified", 0],
            ],
        );
        const times = timeToManagedDocuments(
            Array.from({ length: 250 }, (_, i) => i),
            now,
        ).map(d => assertEmf(JSON.stringify(d)));
        assert.deepStrictEqual(
            times.map(d => d.TimeToManagedSeconds.length),
            [100, 100, 50],
        );
        assert.deepStrictEqual(timeToManagedDocuments([], now), []);
    });

    it("read the agent's major.minor, and say none or unknown when there is none", () => {
        assert.strictEqual(agentMajorMinor("3.3.1142.0"), "3.3");
        assert.strictEqual(agentMajorMinor(undefined), "none");
        assert.strictEqual(agentMajorMinor("latest"), "unknown");
    });
});
