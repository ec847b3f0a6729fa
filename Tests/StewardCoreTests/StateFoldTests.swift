import Foundation
import StewardCore
import Testing

/// Folding the log into ``StackState``: facts only, no state machine, checkpoints and repeats.
struct StateFoldTests {
    let t0 = EventFormatTests.t0
    let target = EventFormatTests.target

    func fold(_ events: [StewardEvent]) throws -> StateFold {
        var fold = StateFold()
        for (index, event) in events.enumerated() {
            let encoded = try event.encoded()
            try fold.fold(seq: Int64(index + 1), type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        }
        return fold
    }

    /// A step's recorded result is taken as it is, even one today's state machine would not produce.
    @Test func stepsSetTheRecordedProgress() throws {
        let recorded = Deployment.Progress(
            phase: .aborting, batch: 7, ready: ["x"], stopped: [], retired: ["y"], deadline: nil,
            reason: "decided by an older version", startedAt: t0, finishedAt: nil)
        let state = try fold([
            .deploymentCreated(EventFormatTests.deployment()),
            .deploymentStep(id: 3, .instanceReady("api-production-r2-0", at: t0), result: recorded),
        ]).state
        #expect(state.deployments[3]?.progress == recorded)
    }

    /// `deployment.succeeded` makes its release the current one; `deployment.failed` does not.
    @Test func successMovesTheCurrentRelease() throws {
        let state = try fold([
            .releaseCreated(EventFormatTests.release()),
            .deploymentCreated(EventFormatTests.deployment()),
            .deploymentFinished(DeploymentFinished(id: 3, target: target, release: 2, phase: .succeeded, reason: nil, at: t0)),
            .deploymentFinished(DeploymentFinished(id: 4, target: target, release: 9, phase: .failed, reason: "x", at: t0)),
        ]).state
        #expect(state.current[target] == 2)
        #expect(state.deployments[3]?.phase == .succeeded)
        #expect(state.deployments[3]?.finishedAt == t0)
    }

    /// Unknown informational events are reported and the fold goes on; the state is as without them.
    @Test func skippedEventsAreReported() throws {
        var fold = try fold([.releaseCreated(EventFormatTests.release())])
        try fold.fold(seq: 2, type: "probe.slow", subject: "instance/a", payload: Data(#"{"v":1,"informational":true}"#.utf8))
        #expect(fold.skipped.map(\.seq) == [2])
        #expect(fold.lastSeq == 2)
        #expect(fold.state.releases.keys.sorted() == [2])
    }

    /// A checkpoint decodes to the state it was made from, and folding ignores checkpoints.
    @Test func checkpointRoundTripsAndIsIgnoredByTheFold() throws {
        var state = try fold(EventFormatTests.samples()).state
        state.deployments[3]?.ready = ["b", "a"]
        let checkpoint = StateCheckpoint(seq: 17, hash: String(repeating: "a", count: 64), state: state)
        let encoded = try StewardEvent.checkpoint(checkpoint).encoded()
        #expect(encoded.type == EventFormat.checkpointType)
        let decoded = try StewardEvent.decode(seq: 18, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.checkpoint(checkpoint)))
        var after = StateFold(checkpoint: checkpoint)
        try after.fold(seq: 18, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(after.state == state)
        #expect(after.lastSeq == 18)
    }

    /// An observation identical to the last one for its subject is a repeat; facts never are.
    @Test func repeatsAreRecognised() {
        var state = StackState()
        let missing = InstanceObservation(instanceID: "a", change: .missing, message: "wanted but not running")
        #expect(!state.isRepeat(.instanceObserved(missing)))
        state.apply(.instanceObserved(missing))
        #expect(state.isRepeat(.instanceObserved(missing)))
        #expect(!state.isRepeat(.instanceObserved(InstanceObservation(instanceID: "a", change: .ready, message: "ok"))))
        #expect(!state.isRepeat(.instanceObserved(InstanceObservation(instanceID: "b", change: .missing, message: "wanted but not running"))))
        let down = DependencyObservation(name: "db", up: false, message: "refused")
        state.apply(.dependencyObserved(down))
        #expect(state.isRepeat(.dependencyObserved(down)))
        #expect(!state.isRepeat(.tokenCreated(name: "a", role: "admin")))
    }
}
