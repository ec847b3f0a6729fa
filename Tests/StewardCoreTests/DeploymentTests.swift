import Foundation
import StewardCore
import Testing

/// The rolling deployment machine, driven with plain values: no processes, no clock.
struct DeploymentTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    func plan(old: Int = 2, new: Int = 2, batch: Int = 1, unavailable: Int = 0, timeout: TimeSpan = .seconds(30)) -> Deployment {
        Deployment(
            id: 1, target: ServiceEnvironment(service: "api", environment: "production"), release: 2,
            previousRelease: old > 0 ? 1 : nil, oldInstances: (0..<old).map { "api-production-r1-\($0)" },
            newInstances: (0..<new).map { "api-production-r2-\($0)" }, batchSize: batch, readinessTimeout: timeout,
            unavailable: unavailable, requestedBy: "alice", createdAt: t0)
    }

    /// maxSurge 0, maxUnavailable 1: each batch stops one old instance before its replacement starts,
    /// so there are never more instances than declared.
    @Test func unavailableStopsOldInstancesBeforeTheirReplacementsAreReady() {
        var deployment = plan(batch: 1, unavailable: 1)
        #expect(deployment.handle(.start(at: t0)) == [
            .stopInstances(["api-production-r1-0"]), .startInstances(["api-production-r2-0"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        #expect(deployment.retired == ["api-production-r1-0"])
        // Its old instance is already stopping: the ready batch stops nothing more, and the next one makes room first.
        #expect(deployment.handle(.instanceReady("api-production-r2-0", at: t0)) == [
            .stopInstances(["api-production-r1-1"]), .startInstances(["api-production-r2-1"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        #expect(deployment.handle(.instanceReady("api-production-r2-1", at: t0)) == [])
        _ = deployment.handle(.instanceStopped("api-production-r1-0", at: t0))
        #expect(deployment.handle(.instanceStopped("api-production-r1-1", at: t0)) == [.finished(.succeeded, reason: nil)])
    }

    /// maxSurge 1, maxUnavailable 1 over 4 instances: batches of 2 new; at most 5 run, at least 3 old or ready.
    @Test func surgeAndUnavailableTogether() {
        var deployment = plan(old: 4, new: 4, batch: 2, unavailable: 1)
        #expect(deployment.handle(.start(at: t0)) == [
            .stopInstances(["api-production-r1-0"]),
            .startInstances(["api-production-r2-0", "api-production-r2-1"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        #expect(deployment.handle(.instanceReady("api-production-r2-0", at: t0)) == [])
        #expect(deployment.handle(.instanceReady("api-production-r2-1", at: t0)) == [
            .stopInstances(["api-production-r1-1"]),
            .stopInstances(["api-production-r1-2"]),
            .startInstances(["api-production-r2-2", "api-production-r2-3"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        _ = deployment.handle(.instanceReady("api-production-r2-2", at: t0))
        #expect(deployment.handle(.instanceReady("api-production-r2-3", at: t0)) == [.stopInstances(["api-production-r1-3"])])
        #expect(deployment.retired == (0..<4).map { "api-production-r1-\($0)" })
    }

    /// An abort brings back the old instances that were stopped early, like those retired after a batch.
    @Test func abortRestartsInstancesStoppedEarly() {
        var deployment = plan(batch: 1, unavailable: 1)
        _ = deployment.handle(.start(at: t0))
        let effects = deployment.handle(.deadlinePassed(at: t0.addingTimeInterval(31)))
        #expect(effects == [
            .stopInstances(["api-production-r2-0"]), .startInstances(["api-production-r1-0"], release: 1),
        ])
        // After a crash, the early stop is carried out again (it was recorded with the batch's start).
        var resumed = plan(batch: 1, unavailable: 1)
        _ = resumed.handle(.start(at: t0))
        #expect(resumed.resume().first == .stopInstances(["api-production-r1-0"]))
    }

    /// Starting starts the first batch and schedules its readiness deadline.
    @Test func startStartsFirstBatch() {
        var deployment = plan()
        let effects = deployment.handle(.start(at: t0))
        #expect(effects == [.startInstances(["api-production-r2-0"], release: 2), .scheduleDeadline(t0.addingTimeInterval(30))])
        #expect(deployment.phase == .rolling)
    }

    /// A ready batch retires one old instance and starts the next batch; the last stop finishes it.
    @Test func rollsBatchByBatchAndSucceeds() {
        var deployment = plan()
        _ = deployment.handle(.start(at: t0))
        let afterFirst = deployment.handle(.instanceReady("api-production-r2-0", at: t0))
        #expect(afterFirst == [
            .stopInstances(["api-production-r1-0"]), .startInstances(["api-production-r2-1"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        #expect(deployment.handle(.instanceReady("api-production-r2-1", at: t0)) == [.stopInstances(["api-production-r1-1"])])
        #expect(deployment.handle(.instanceStopped("api-production-r1-0", at: t0)) == [])
        #expect(deployment.handle(.instanceStopped("api-production-r1-1", at: t0)) == [.finished(.succeeded, reason: nil)])
        #expect(deployment.phase == .succeeded)
    }

    /// Repeated or late inputs change nothing, so the engine records nothing for them.
    @Test func duplicatesAreIgnored() {
        var deployment = plan()
        _ = deployment.handle(.start(at: t0))
        #expect(deployment.handle(.start(at: t0)) == nil)
        _ = deployment.handle(.instanceReady("api-production-r2-0", at: t0))
        #expect(deployment.handle(.instanceReady("api-production-r2-0", at: t0)) == nil)
        #expect(deployment.handle(.instanceReady("unknown", at: t0)) == nil)
    }

    /// A batch that is not ready by its deadline aborts: new instances stop, retired old ones return.
    @Test func deadlineAbortsAndRestoresOldInstances() {
        var deployment = plan()
        _ = deployment.handle(.start(at: t0))
        _ = deployment.handle(.instanceReady("api-production-r2-0", at: t0))
        #expect(deployment.handle(.deadlinePassed(at: t0.addingTimeInterval(10))) == nil)  // too early
        let effects = deployment.handle(.deadlinePassed(at: t0.addingTimeInterval(31)))
        #expect(effects == [
            .stopInstances(["api-production-r2-0", "api-production-r2-1"]),
            .startInstances(["api-production-r1-0"], release: 1),
        ])
        #expect(deployment.phase == .aborting)
        #expect(deployment.reason == "api-production-r2-1 not ready within 30s")
        _ = deployment.handle(.instanceStopped("api-production-r2-0", at: t0))
        #expect(deployment.handle(.instanceStopped("api-production-r2-1", at: t0)) == [.finished(.failed, reason: deployment.reason)])
        #expect(deployment.phase == .failed)
    }

    /// A new instance that cannot start fails the deployment at once, before its deadline.
    @Test func failedInstanceAborts() {
        var deployment = plan(old: 1, new: 1)
        _ = deployment.handle(.start(at: t0))
        let effects = deployment.handle(.instanceFailed("api-production-r2-0", reason: "exited with status 1", at: t0))
        #expect(effects == [.stopInstances(["api-production-r2-0"])])
        #expect(deployment.reason == "instance api-production-r2-0 failed: exited with status 1")
    }

    /// A first deployment has no old instances and succeeds once the new ones are ready.
    @Test func firstDeploymentSucceedsWhenReady() {
        var deployment = plan(old: 0, new: 2, batch: 2)
        #expect(deployment.handle(.start(at: t0)) == [
            .startInstances(["api-production-r2-0", "api-production-r2-1"], release: 2), .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        #expect(deployment.handle(.instanceReady("api-production-r2-1", at: t0)) == [])
        #expect(deployment.handle(.instanceReady("api-production-r2-0", at: t0)) == [.finished(.succeeded, reason: nil)])
    }

    /// Resuming after a crash repeats the idempotent work of the current step and nothing else.
    @Test func resumeRepeatsOnlyCurrentStep() {
        var deployment = plan()
        #expect(deployment.resume() == [])
        _ = deployment.handle(.start(at: t0))
        _ = deployment.handle(.instanceReady("api-production-r2-0", at: t0))
        #expect(deployment.resume() == [
            .stopInstances(["api-production-r1-0"]), .startInstances(["api-production-r2-1"], release: 2),
            .scheduleDeadline(t0.addingTimeInterval(30)),
        ])
        _ = deployment.handle(.abort(reason: "operator", at: t0))
        #expect(deployment.resume() == [
            .stopInstances(["api-production-r2-0", "api-production-r2-1"]), .startInstances(["api-production-r1-0"], release: 1),
        ])
    }

    /// Folding the recorded steps rebuilds exactly the same deployment (the log is the state).
    @Test func foldingRecordedStepsGivesSameState() throws {
        var live = plan()
        let inputs: [Deployment.Input] = [
            .start(at: t0), .instanceReady("api-production-r2-0", at: t0), .instanceStopped("api-production-r1-0", at: t0),
        ]
        var recorded: [StewardEvent] = [.deploymentCreated(live)]
        for input in inputs where live.handle(input) != nil {
            recorded.append(.deploymentStep(id: 1, input, result: live.progress))
        }
        var fold = StateFold()
        for (index, event) in recorded.enumerated() {
            let encoded = try event.encoded()
            try fold.fold(seq: Int64(index + 1), type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        }
        #expect(fold.state.deployments[1] == live)
    }
}
