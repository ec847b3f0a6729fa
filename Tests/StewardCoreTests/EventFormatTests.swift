import Foundation
import StewardCore
import Testing

/// The documented JSON shapes of the log and the rules for versions and unknown types.
struct EventFormatTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    static let target = ServiceEnvironment(service: "api", environment: "production")

    static func deployment() -> Deployment {
        Deployment(
            id: 3, target: target, release: 2, previousRelease: 1, oldInstances: ["api-production-r1-0"],
            newInstances: ["api-production-r2-0", "api-production-r2-1"], batchSize: 1, readinessTimeout: .seconds(30),
            requestedBy: "alice", createdAt: t0)
    }

    static func release() -> Release {
        Release(
            number: 2, service: "api", environment: "production", version: "1.4.2", overrides: ["B": "2", "A": "1"],
            spec: ServiceSpec(name: "api", command: "/bin/true", instances: 2), createdAt: t0, createdBy: "alice")
    }

    /// One event of every kind the control plane writes.
    static func samples() -> [StewardEvent] {
        let progress = Deployment.Progress(
            phase: .rolling, batch: 1, ready: ["api-production-r2-1", "api-production-r2-0"], stopped: [],
            retired: ["api-production-r1-0"], deadline: t0.addingTimeInterval(30), reason: nil, startedAt: t0,
            finishedAt: nil)
        return [
            .stackApplied(StackApplied(spec: StackSpec(name: "shop"), digest: "abc", file: "steward.yaml")),
            .releaseCreated(release()),
            .deploymentCreated(deployment()),
            .deploymentStep(id: 3, .start(at: t0), result: progress),
            .deploymentStep(id: 3, .instanceReady("api-production-r2-0", at: t0), result: progress),
            .deploymentStep(id: 3, .instanceFailed("api-production-r2-1", reason: "exit 1", at: t0), result: progress),
            .deploymentStep(id: 3, .instanceStopped("api-production-r1-0", at: t0), result: progress),
            .deploymentStep(id: 3, .deadlinePassed(at: t0), result: progress),
            .deploymentStep(id: 3, .abort(reason: "by alice", at: t0), result: progress),
            .deploymentFinished(DeploymentFinished(id: 3, target: target, release: 2, phase: .succeeded, reason: nil, at: t0)),
            .deploymentFinished(DeploymentFinished(id: 3, target: target, release: 2, phase: .failed, reason: "x", at: t0)),
            .instanceObserved(InstanceObservation(instanceID: "web-1", change: .stopped, message: "bye", pid: 42, port: 9000)),
            .instanceObserved(InstanceObservation(instanceID: "web-1", change: .missing, message: "gone")),
            .dependencyObserved(DependencyObservation(name: "db", up: true, message: "reachable")),
            .dependencyObserved(DependencyObservation(name: "db", up: false, message: "refused")),
            .tokenCreated(name: "admin", role: "admin"),
            .controlPlaneStarted(ControlPlaneStarted(version: "0.1.0", adoptedInstances: 2, resumedDeployments: [5, 3])),
        ]
    }

    static func json(_ payload: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    /// Every event decodes to itself from the bytes it encodes to.
    @Test(arguments: samples())
    func roundTrips(_ event: StewardEvent) throws {
        let encoded = try event.encoded()
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(event))
    }

    /// Every payload is a JSON object with `v: 1`, and none uses Swift's synthesized `_0` keys.
    /// Types whose shape grew since v1 are read up to their newer version, and still write v1
    /// when nothing new is in them.
    @Test(arguments: samples())
    func payloadsAreVersionedObjectsWithNamedFields(_ event: StewardEvent) throws {
        let encoded = try event.encoded()
        #expect(try Self.json(encoded.payload)["v"] as? Int == 1)
        #expect(!String(decoding: encoded.payload, as: UTF8.self).contains("\"_0\""))
        let grown: Int
        switch encoded.type {
        case "deployment.created": grown = 4  // v2: a rollout or a checklist; v3: gates; v4: maxUnavailable
        case let type where type.hasPrefix("deployment.") && type != "deployment.succeeded" && type != "deployment.failed":
            grown = 2  // steps: v2 when the progress holds approvals, a pause or a held phase
        default: grown = 1
        }
        #expect(EventFormat.supportedVersions[encoded.type] == grown)
    }

    /// A canary's plan is written as v2 with its rollout, rules as written, and reads back the same.
    @Test func rolloutPlanIsVersionTwo() throws {
        let rule = try MetricRule(parsing: "error_rate > 5% for 5s min 50")
        let rollout = Rollout(
            strategy: .canary, steps: [.weight(10), .pause(.seconds(30)), .analysis([rule]), .pause(nil), .weight(100)],
            rollbackRules: [rule], keepPrevious: .minutes(5))
        let deployment = Deployment(
            id: 7, target: ServiceEnvironment(service: "api", environment: "production"), release: 3, previousRelease: 2,
            oldInstances: ["api-production-r2-0"], newInstances: ["api-production-r3-0", "api-production-r3-1"], batchSize: 1,
            readinessTimeout: .seconds(30), rollout: rollout, requestedBy: "alice", createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        let encoded = try StewardEvent.deploymentCreated(deployment).encoded()
        let json = try Self.json(encoded.payload)
        #expect(json["v"] as? Int == 2)
        let written = try #require(json["rollout"] as? [String: Any])
        #expect(written["strategy"] as? String == "canary")
        #expect(written["rollbackRules"] as? [String] == ["error_rate > 5% for 5s min 50"])
        #expect(written["keepPreviousMs"] as? Int == 300_000)
        let steps = try #require(written["steps"] as? [[String: Any]])
        #expect(steps.count == 5)
        #expect(steps[1]["pause"] as? String == "30s")
        #expect(steps[3].keys.contains("pause") && steps[3]["pause"] is NSNull)
        // Every new instance is started at once: the batch is the whole release.
        #expect(json["batchSize"] as? Int == 2)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.deploymentCreated(deployment)))
    }

    /// A plan that stops old instances early (maxUnavailable) is written as v4 and reads back the same.
    @Test func earlyStoppingPlanIsVersionFour() throws {
        let deployment = Deployment(
            id: 8, target: ServiceEnvironment(service: "api", environment: "production"), release: 3, previousRelease: 2,
            oldInstances: ["api-production-r2-0", "api-production-r2-1"], newInstances: ["api-production-r3-0", "api-production-r3-1"],
            batchSize: 2, readinessTimeout: .seconds(30), unavailable: 1, requestedBy: "alice",
            createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        let encoded = try StewardEvent.deploymentCreated(deployment).encoded()
        let json = try Self.json(encoded.payload)
        #expect(json["v"] as? Int == 4)
        #expect(json["unavailable"] as? Int == 1)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.deploymentCreated(deployment)))
    }

    /// An instance observation is written with the documented fields and marked informational.
    @Test func instanceObservationShape() throws {
        let encoded = try StewardEvent.instanceObserved(
            InstanceObservation(instanceID: "web-1", change: .stopped, message: "bye", pid: 42)
        ).encoded()
        #expect(encoded.type == "instance.stopped")
        #expect(encoded.subject == "instance/web-1")
        #expect(
            String(decoding: encoded.payload, as: UTF8.self)
                == #"{"informational":true,"instance":"web-1","message":"bye","pid":42,"v":1}"#)
    }

    /// Sets are written as sorted arrays, so the same state always gives the same bytes.
    @Test func setsAreSorted() throws {
        let progress = Deployment.Progress(
            phase: .rolling, batch: 0, ready: ["c", "a", "b"], stopped: ["z", "y"], retired: [], deadline: nil,
            reason: nil, startedAt: Self.t0, finishedAt: nil)
        let encoded = try StewardEvent.deploymentStep(id: 1, .start(at: Self.t0), result: progress).encoded()
        let text = String(decoding: encoded.payload, as: UTF8.self)
        #expect(text.contains(#""ready":["a","b","c"]"#))
        #expect(text.contains(#""stopped":["y","z"]"#))
        #expect(text.contains(#""at":"2025-06-15T15:06:40.000Z""#))
    }

    /// A fact written in a newer format is refused with the event's seq, type and the version needed.
    @Test func newerFactVersionIsRefused() throws {
        let payload = Data(#"{"v":3,"deployment":1,"at":"2025-06-15T15:06:40.000Z","instance":"a","result":{}}"#.utf8)
        let error = try #require(throws: EventFormatError.self) {
            try StewardEvent.decode(seq: 7, type: "deployment.instance-ready", subject: "deployment/1", payload: payload)
        }
        #expect(error.seq == 7)
        #expect(error.type == "deployment.instance-ready")
        #expect(error.neededVersion == 3)
        #expect(error.message.contains("event 7 (deployment.instance-ready) is written in event format v3"))
        #expect(error.message.contains("up to v2"))
    }

    /// An unknown type that is not informational is refused, naming it.
    @Test func unknownFactTypeIsRefused() throws {
        let error = try #require(throws: EventFormatError.self) {
            try StewardEvent.decode(seq: 9, type: "alert.fired", subject: "alert/1", payload: Data(#"{"v":1}"#.utf8))
        }
        #expect(error.seq == 9)
        #expect(error.message.contains("'alert.fired'"))
    }

    /// An unknown informational type, or a known one in a newer version, is skipped and reported.
    @Test func unknownInformationalEventsAreSkipped() throws {
        let unknown = try StewardEvent.decode(
            seq: 4, type: "probe.slow", subject: "instance/a", payload: Data(#"{"v":1,"informational":true}"#.utf8))
        #expect(unknown == .skipped(SkippedEvent(seq: 4, type: "probe.slow", reason: "informational event type unknown to this version in event format v1")))
        let newer = try StewardEvent.decode(
            seq: 5, type: "instance.ready", subject: "instance/a",
            payload: Data(#"{"v":3,"informational":true,"instance":"a"}"#.utf8))
        guard case .skipped(let report) = newer else {
            Issue.record("expected a skip, got \(newer)")
            return
        }
        #expect(report.seq == 5)
        #expect(report.reason.contains("v3"))
    }

    /// A payload without a version, or without a documented field, is refused and the field is named.
    @Test func unversionedOrMalformedPayloadsAreRefused() throws {
        let unversioned = try #require(throws: EventFormatError.self) {
            try StewardEvent.decode(
                seq: 2, type: "instance.stopped", subject: "instance/a", payload: Data(#"{"instanceStopped":{"_0":"a"}}"#.utf8))
        }
        #expect(unversioned.message.contains("no valid format version"))
        let malformed = try #require(throws: EventFormatError.self) {
            try StewardEvent.decode(seq: 3, type: "token.created", subject: "token/a", payload: Data(#"{"v":1,"name":"a"}"#.utf8))
        }
        #expect(malformed.message.contains("missing field 'role'"))
    }
}
