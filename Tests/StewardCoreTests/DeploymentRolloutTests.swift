import Foundation
import StewardCore
import Testing

/// Blue/green and canary rollouts as a pure state machine: no clock, no process.
struct DeploymentRolloutTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    let api = ServiceEnvironment(service: "api", environment: "production")
    let old = ["api-production-r1-0", "api-production-r1-1"]
    let new = ["api-production-r2-0", "api-production-r2-1"]

    func deployment(_ rollout: Rollout) -> Deployment {
        Deployment(
            id: 1, target: api, release: 2, previousRelease: 1, oldInstances: old, newInstances: new, batchSize: 1,
            readinessTimeout: .seconds(30), rollout: rollout, requestedBy: "alice", createdAt: t0)
    }

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// Feeds an input that must change something; returns its effects.
    func step(_ deployment: inout Deployment, _ input: Deployment.Input) throws -> [Deployment.Effect] {
        let effects = deployment.handle(input)
        return try #require(effects, "\(input) changed nothing")
    }

    /// Starts the deployment and makes every new instance ready; returns the effects of the last ready.
    func started(_ rollout: Rollout) throws -> (Deployment, [Deployment.Effect]) {
        var deployment = deployment(rollout)
        let start = try step(&deployment, .start(at: t0))
        // Every new instance starts at once, the old ones keep serving.
        #expect(start.contains(.startInstances(new, release: 2)))
        #expect(!start.contains { if case .stopInstances = $0 { true } else { false } })
        #expect(try step(&deployment, .instanceReady(new[0], at: at(1))) == [])
        let effects = try step(&deployment, .instanceReady(new[1], at: at(2)))
        return (deployment, effects)
    }

    @Test func canaryWalksWeightsAndPausesThenKeepsTheOldReleaseWarm() throws {
        let rollout = try #require(Rollout.planned(by: DeployPolicy(
            strategy: .canary, keepPrevious: .minutes(5),
            canary: CanaryPolicy(steps: [.weight(10), .pause(.seconds(30)), .weight(50), .pause(nil)]))))
        #expect(rollout.steps.last == .weight(100), "a canary ends at 100 %")
        var (deployment, effects) = try started(rollout)
        #expect(deployment.weight == 10)
        #expect(effects == [.scheduleWake(at(32))])
        #expect(deployment.handle(.wake(at: at(31))) == nil, "too early")
        #expect(try step(&deployment, .wake(at: at(32))) == [])
        #expect(deployment.weight == 50)
        #expect(deployment.currentStep == .pause(nil))
        #expect(deployment.handle(.wake(at: at(100))) == nil, "a pause without a span waits for a person")
        effects = try step(&deployment, .promote(by: "bob", at: at(100)))
        #expect(deployment.weight == 100)
        #expect(deployment.phase == .warm)
        #expect(effects == [.scheduleWake(at(400))])
        effects = try step(&deployment, .wake(at: at(400)))
        #expect(effects == [.stopInstances(old)])
        _ = deployment.handle(.instanceStopped(old[0], at: at(401)))
        #expect(deployment.phase == .warm)
        effects = try step(&deployment, .instanceStopped(old[1], at: at(402)))
        #expect(effects == [.finished(.succeeded, reason: nil)])
    }

    @Test func blueGreenRunsSmokeThenSwitchesAndAnAbortWhileWarmIsAWeightFlip() throws {
        let rollout = try #require(Rollout.planned(by: DeployPolicy(
            strategy: .blueGreen, keepPrevious: .minutes(5), smoke: [["curl", "-f", "http://127.0.0.1/healthz"]])))
        #expect(rollout.releaseName == "green")
        var (deployment, effects) = try started(rollout)
        #expect(effects == [.runSmoke])
        #expect(deployment.weight == 0, "green takes no traffic before its smoke test passed")
        effects = try step(&deployment, .smokePassed(at: at(3)))
        #expect(deployment.weight == 100)
        #expect(deployment.phase == .warm)
        // Rolling back while blue is warm: blue is still running, so nothing starts; green stops.
        effects = try step(&deployment, .abort(reason: "rolled back", at: at(10)))
        #expect(deployment.weight == 0)
        #expect(deployment.phase == .aborting)
        #expect(effects == [.stopInstances(new)])
        _ = deployment.handle(.instanceStopped(new[0], at: at(11)))
        effects = try step(&deployment, .instanceStopped(new[1], at: at(12)))
        #expect(effects == [.finished(.failed, reason: "rolled back")])
    }

    @Test func failingSmokeRollsBackBeforeAnyTraffic() throws {
        let rollout = try #require(Rollout.planned(by: DeployPolicy(strategy: .blueGreen, smoke: [["false"]])))
        var (deployment, _) = try started(rollout)
        let effects = try step(&deployment, .smokeFailed(reason: "false exited with status 1", at: at(3)))
        #expect(effects == [.stopInstances(new)])
        #expect(deployment.reason == "smoke failed: false exited with status 1")
        #expect(deployment.weight == 0)
    }

    @Test func aFailedRuleRollsBackAtOnceWithTheRuleInTheReason() throws {
        let rule = try MetricRule(parsing: "error_rate > 5% for 5s min 50")
        let rollout = Rollout(strategy: .canary, steps: [.weight(20), .analysis([rule]), .weight(100)], keepPrevious: .minutes(1))
        var (deployment, effects) = try started(rollout)
        #expect(deployment.weight == 20)
        #expect(effects == [.scheduleDeadline(at(2 + 60))], "ten times the longest window (50 s), at least a minute")
        let reason = "error_rate > 5% for 5s min 50: measured 30% over the last 5s (120 requests)"
        effects = try step(&deployment, .ruleFailed(reason: reason, at: at(8)))
        #expect(deployment.phase == .aborting)
        #expect(deployment.weight == 0)
        #expect(deployment.reason == reason)
        #expect(effects == [.stopInstances(new)])
    }

    @Test func anAnalysisThatNeverPassesFailsAtItsDeadline() throws {
        let rule = try MetricRule(parsing: "error_rate > 5% for 5s")
        let rollout = Rollout(strategy: .canary, steps: [.weight(10), .analysis([rule])], keepPrevious: .milliseconds(0))
        var (deployment, _) = try started(rollout)
        #expect(deployment.handle(.deadlinePassed(at: at(61))) == nil, "before the deadline")
        let effects = try step(&deployment, .deadlinePassed(at: at(62)))
        #expect(effects == [.stopInstances(new)])
        #expect(deployment.reason?.contains("did not pass within 1m") == true, "\(deployment.reason ?? "")")
    }

    @Test func analysisPassingMovesOnAndWithoutWarmPeriodTheOldReleaseStopsAtOnce() throws {
        let rule = try MetricRule(parsing: "p95 > 3s for 5s")
        let rollout = Rollout(strategy: .canary, steps: [.weight(10), .analysis([rule])], keepPrevious: .milliseconds(0))
        var (deployment, _) = try started(rollout)
        let effects = try step(&deployment, .analysisPassed(at: at(10)))
        #expect(deployment.weight == 100)
        #expect(deployment.phase == .rolling)
        #expect(effects == [.stopInstances(old)])
    }

    @Test func aCrashLoopingNewInstanceRollsBackEvenAfterItWasReady() throws {
        let rollout = Rollout(strategy: .canary, steps: [.weight(10), .pause(nil)], keepPrevious: .minutes(1))
        var (deployment, _) = try started(rollout)
        let effects = try step(&deployment, .instanceFailed(new[1], reason: "exited with status 3", at: at(20)))
        #expect(effects == [.stopInstances(new)])
        #expect(deployment.phase == .aborting)
    }

    @Test func promoteOnlyWhereAPersonCanMoveItOn() throws {
        let rollout = Rollout(strategy: .canary, steps: [.weight(10), .pause(nil)], keepPrevious: .minutes(1))
        var deployment = deployment(rollout)
        _ = deployment.handle(.start(at: t0))
        #expect(deployment.handle(.promote(by: "bob", at: at(1))) == nil, "not ready yet: nothing to promote")
        var rolling = Deployment(
            id: 2, target: api, release: 2, previousRelease: 1, oldInstances: old, newInstances: new, batchSize: 1,
            readinessTimeout: .seconds(30), requestedBy: "alice", createdAt: t0)
        _ = rolling.handle(.start(at: t0))
        #expect(rolling.handle(.promote(by: "bob", at: at(1))) == nil, "a rolling deployment has no steps")
    }

    @Test func resumeWaitsForWhatTheStepWaitedFor() throws {
        let rollout = Rollout(strategy: .canary, steps: [.weight(10), .pause(.seconds(30))], keepPrevious: .minutes(1))
        let (paused, _) = try started(rollout)
        #expect(paused.resume() == [.scheduleWake(at(32))])
        let smoke = Rollout(strategy: .blueGreen, steps: [.smoke, .weight(100)], keepPrevious: .minutes(1))
        let (smoking, _) = try started(smoke)
        #expect(smoking.resume() == [.runSmoke])
    }

    @Test func trafficFollowsTheRolloutsWeightAndReachesAWeightZeroReleaseByName() throws {
        var state = StackState()
        let stack = try StackFile.parse(
            """
            stack: shop
            services:
              api:
                command: /bin/api
                port: 8080
                instances: 2
            environments:
              production: {}
            """, file: "s.yaml"
        ).get()
        state.apply(.stackApplied(StackApplied(spec: stack, digest: "d", file: "s.yaml")))
        let spec = try #require(stack.effectiveService("api", in: "production"))
        for number in [1, 2] {
            state.apply(.releaseCreated(Release(
                number: number, service: "api", environment: "production", version: "1.0.\(number)", spec: spec,
                createdAt: t0, createdBy: "alice")))
        }
        state.apply(.deploymentFinished(DeploymentFinished(id: 0, target: api, release: 1, phase: .succeeded, reason: nil, at: t0)))
        let rollout = Rollout(strategy: .canary, steps: [.weight(0), .pause(nil), .weight(25), .pause(nil)], keepPrevious: .minutes(1))
        var (deployment, _) = try started(rollout)
        state.deployments[deployment.id] = deployment
        let ports = [old[0]: 20001, old[1]: 20002, new[0]: 20003, new[1]: 20004]
        func weights() throws -> [String: Int] {
            let route = try #require(TrafficPlan.plan(state, readyPorts: ports, environment: "production").table.routes.first)
            return Dictionary(uniqueKeysWithValues: route.releases.map { ($0.name, $0.weight) })
        }
        #expect(try weights() == ["stable": 100, "canary": 0])
        _ = deployment.handle(.promote(by: "bob", at: at(5)))
        state.deployments[deployment.id] = deployment
        #expect(try weights() == ["stable": 75, "canary": 25])
        _ = deployment.handle(.abort(reason: "no", at: at(6)))
        state.deployments[deployment.id] = deployment
        #expect(try weights() == ["stable": 100], "an aborted canary leaves the table in the step that aborts it")
    }
}

/// The pre-deployment checklist: nothing starts before it passed, every failure is listed.
struct DeploymentChecklistTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func deployment() -> Deployment {
        Deployment(
            id: 1, target: ServiceEnvironment(service: "api", environment: "production"), release: 2, previousRelease: 1,
            oldInstances: ["api-production-r1-0"], newInstances: ["api-production-r2-0"], batchSize: 1,
            readinessTimeout: .seconds(30), checklist: true, requestedBy: "alice", createdAt: t0)
    }

    @Test func nothingStartsUntilTheChecklistPassed() throws {
        var deployment = deployment()
        #expect(deployment.handle(.start(at: t0)) == [.runChecklist])
        #expect(deployment.phase == .checking)
        #expect(deployment.resume() == [.runChecklist], "a restart runs the checklist again")
        let effects = deployment.handle(.checked(failures: [], at: t0.addingTimeInterval(1)))
        #expect(effects == [.startInstances(["api-production-r2-0"], release: 2), .scheduleDeadline(t0.addingTimeInterval(31))])
        #expect(deployment.phase == .rolling)
    }

    @Test func aFailedChecklistFailsTheDeploymentListingEveryItem() throws {
        var deployment = deployment()
        _ = deployment.handle(.start(at: t0))
        let effects = deployment.handle(.checked(failures: ["required variable API_KEY is not set", "dependency db is not reachable"], at: t0))
        #expect(effects == [.finished(.failed, reason: deployment.reason)])
        #expect(deployment.reason == "the pre-deployment checklist failed: required variable API_KEY is not set; dependency db is not reachable")
        #expect(deployment.phase == .failed)
    }

    @Test func anAbortWhileCheckingFailsAtOnce() throws {
        var deployment = deployment()
        _ = deployment.handle(.start(at: t0))
        #expect(deployment.handle(.abort(reason: "no", at: t0)) == [.finished(.failed, reason: "no")])
        #expect(deployment.handle(.checked(failures: [], at: t0)) == nil, "a late checklist result changes nothing")
    }
}
