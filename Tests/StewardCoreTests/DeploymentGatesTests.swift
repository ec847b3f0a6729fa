import Foundation
import StewardCore
import Testing

/// Approvals, windows and pauses as decisions of the deployment state machine: no clock, no process.
struct DeploymentGatesTests {
    /// Thursday 26 November 2026, 09:30 UTC; the Sunday window opens on the 29th at 07:00 UTC.
    let t0 = DeploymentWindowTests.date("2026-11-26T09:30:00Z")
    let opening = DeploymentWindowTests.date("2026-11-29T07:00:00Z")
    let api = ServiceEnvironment(service: "api", environment: "production")
    let new = ["api-production-r2-0"]

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    func deployment(_ gates: Deployment.Gates, rollout: Rollout? = nil) -> Deployment {
        Deployment(
            id: 7, target: api, release: 2, previousRelease: 1, oldInstances: ["api-production-r1-0"], newInstances: new,
            batchSize: 1, readinessTimeout: .seconds(30), rollout: rollout, requestedBy: "alice", createdAt: t0,
            gates: gates)
    }

    func sundayWindow() throws -> DeploymentWindow { try DeploymentWindow(parsing: "Sun 02:00-06:00 America/New_York") }

    /// Two approvals needed: nothing starts until two users other than the requester approve; the
    /// requester's own approval and a second one by the same user change nothing and are explained.
    @Test func waitsForDistinctApprovalsOtherThanTheRequesters() throws {
        var deployment = deployment(Deployment.Gates(approvalsRequired: 2))
        #expect(deployment.handle(.start(at: t0)) == [])
        #expect(deployment.phase == .awaitingApproval)
        #expect(deployment.startedNewInstances.isEmpty)
        #expect(deployment.handle(.approve(by: "alice", at: at(1))) == nil)
        #expect(deployment.approvalRefusal(by: "alice")?.contains("alice requested deployment 7 and cannot approve it") == true)
        #expect(deployment.handle(.approve(by: "bob", at: at(2))) == [])
        #expect(deployment.phase == .awaitingApproval)
        #expect(deployment.handle(.approve(by: "bob", at: at(3))) == nil)
        #expect(deployment.approvalRefusal(by: "bob") == "bob already approved deployment 7; it needs 1 more approval(s) by other users")
        let approved = deployment.handle(.approve(by: "carol", at: at(4)))
        let effects = try #require(approved)
        #expect(effects == [.startInstances(new, release: 2), .scheduleDeadline(at(34))])
        #expect(deployment.phase == .rolling)
        #expect(deployment.approvals == ["bob", "carol"])
        #expect(deployment.startedAt == at(4))
        #expect(deployment.approvalRefusal(by: "dave") == "deployment 7 is rolling, not awaiting approval")
    }

    /// A closed window holds the deployment, with a wake-up at the opening; it starts when woken then.
    @Test func closedWindowHoldsUntilItOpens() throws {
        var deployment = deployment(Deployment.Gates(window: try sundayWindow()))
        #expect(deployment.handle(.start(at: t0)) == [.scheduleWake(opening)])
        #expect(deployment.phase == .awaitingWindow)
        #expect(deployment.wakeAt == opening)
        #expect(deployment.startedNewInstances.isEmpty)
        #expect(deployment.resume() == [.scheduleWake(opening)], "after a restart it waits for the same opening")
        #expect(deployment.handle(.wake(at: opening.addingTimeInterval(-1))) == nil, "too early")
        let woken = deployment.handle(.wake(at: opening))
        let effects = try #require(woken)
        #expect(effects.first == .startInstances(new, release: 2))
        #expect(deployment.phase == .rolling)
        #expect(deployment.wakeAt == nil)
    }

    /// Woken after the window closed again (the control plane was down all along): it waits for the next one.
    @Test func missedWindowWaitsForTheNextOne() throws {
        var deployment = deployment(Deployment.Gates(window: try sundayWindow()))
        _ = deployment.handle(.start(at: t0))
        let late = DeploymentWindowTests.date("2026-11-29T12:00:00Z")
        let next = DeploymentWindowTests.date("2026-12-06T07:00:00Z")
        #expect(deployment.handle(.wake(at: late)) == [.scheduleWake(next)])
        #expect(deployment.phase == .awaitingWindow)
    }

    /// An override starts at once outside the window; an open window never holds.
    @Test func overrideOrOpenWindowStartsAtOnce() throws {
        var overridden = deployment(
            Deployment.Gates(window: try sundayWindow(), windowOverride: .init(by: "alice", reason: "security fix")))
        #expect(overridden.handle(.start(at: t0))?.first == .startInstances(new, release: 2))
        var open = deployment(Deployment.Gates(window: try sundayWindow()))
        #expect(open.handle(.start(at: opening.addingTimeInterval(60)))?.first == .startInstances(new, release: 2))
    }

    /// Approvals first, then the window: the last approval outside the window moves it to awaiting-window.
    @Test func approvalsThenWindow() throws {
        var deployment = deployment(Deployment.Gates(approvalsRequired: 1, window: try sundayWindow()))
        #expect(deployment.handle(.start(at: t0)) == [])
        #expect(deployment.phase == .awaitingApproval, "approvals come first even while the window is closed")
        #expect(deployment.handle(.approve(by: "bob", at: at(60))) == [.scheduleWake(opening)])
        #expect(deployment.phase == .awaitingWindow)
    }

    /// An abort while waiting fails it at once, with nothing to stop.
    @Test func abortWhileWaiting() throws {
        var awaitingApproval = deployment(Deployment.Gates(approvalsRequired: 1))
        _ = awaitingApproval.handle(.start(at: t0))
        #expect(awaitingApproval.handle(.abort(reason: "not today", at: at(5))) == [.finished(.failed, reason: "not today")])
        var awaitingWindow = deployment(Deployment.Gates(window: try sundayWindow()))
        _ = awaitingWindow.handle(.start(at: t0))
        #expect(awaitingWindow.handle(.abort(reason: "no", at: at(5))) == [.finished(.failed, reason: "no")])
        #expect(awaitingWindow.wakeAt == nil)
        #expect(awaitingWindow.handle(.wake(at: opening)) == nil, "a finished deployment does not wake")
    }

    /// A paused canary holds its step: its timed pause does not end, a passing analysis or a promote does
    /// not move it; on resume the timer moves by the time it was paused.
    @Test func pauseHoldsTheStepAndResumeShiftsItsTimer() throws {
        let rollout = try #require(Rollout.planned(by: DeployPolicy(
            strategy: .canary, canary: CanaryPolicy(steps: [.weight(10), .pause(.seconds(30)), .weight(50)]))))
        var deployment = deployment(Deployment.Gates(), rollout: rollout)
        #expect(deployment.pauseRefusal != nil, "nothing started yet")
        _ = deployment.handle(.start(at: t0))
        #expect(deployment.handle(.instanceReady(new[0], at: at(1))) == [.scheduleWake(at(31))])
        #expect(deployment.handle(.pause(by: "bob", at: at(11))) == [])
        #expect(deployment.pausedAt == at(11))
        #expect(deployment.handle(.pause(by: "bob", at: at(12))) == nil)
        #expect(deployment.pauseRefusal == "deployment 7 is already paused")
        #expect(deployment.handle(.wake(at: at(31))) == nil, "the timer does not run while paused")
        #expect(deployment.handle(.promote(by: "bob", at: at(32))) == nil)
        #expect(deployment.weight == 10)
        #expect(deployment.resume() == [], "after a restart a paused rollout schedules nothing")
        #expect(deployment.handle(.resume(by: "bob", at: at(51))) == [.scheduleWake(at(71))])
        #expect(deployment.pausedAt == nil)
        #expect(deployment.handle(.wake(at: at(31))) == nil, "the old wake-up is too early now")
        #expect(deployment.handle(.wake(at: at(71))) != nil)
        #expect(deployment.weight == 100)
        #expect(deployment.resumeRefusal == "deployment 7 is warm, not paused")
    }

    /// A failing rule still rolls a paused rollout back; a rolling deployment cannot be paused.
    @Test func rollbackActsWhilePausedAndRollingIsNotPaused() throws {
        let rollout = try #require(Rollout.planned(by: DeployPolicy(
            strategy: .canary, canary: CanaryPolicy(steps: [.weight(10), .pause(nil)]))))
        var canary = deployment(Deployment.Gates(), rollout: rollout)
        _ = canary.handle(.start(at: t0))
        _ = canary.handle(.instanceReady(new[0], at: at(1)))
        _ = canary.handle(.pause(by: "bob", at: at(2)))
        let failed = canary.handle(.ruleFailed(reason: "error_rate 9% > 5%", at: at(3)))
        let effects = try #require(failed)
        #expect(effects.contains(.stopInstances(new)))
        #expect(canary.phase == .aborting)
        #expect(canary.pausedAt == nil)
        var rolling = deployment(Deployment.Gates())
        _ = rolling.handle(.start(at: t0))
        #expect(rolling.pauseRefusal?.contains("rolling deployment") == true)
        #expect(rolling.handle(.pause(by: "bob", at: at(1))) == nil)
    }

    /// The plan's gates and the progress's approvals and pause survive the log: v3 and v2 shapes.
    @Test func gatesAndApprovalsRoundTripThroughTheLog() throws {
        let planned = deployment(Deployment.Gates(
            approvalsRequired: 2, window: try sundayWindow(), windowOverride: .init(by: "alice", reason: "hotfix"),
            promotedFrom: .init(environment: "staging", release: 1)))
        let created = try StewardEvent.deploymentCreated(planned).encoded()
        let json = String(decoding: created.payload, as: UTF8.self)
        #expect(json.contains(#""v":3"#))
        #expect(json.contains(#""window":"Sun 02:00-06:00 America/New_York""#))
        #expect(json.contains(#""windowOverride":{"by":"alice","reason":"hotfix"}"#))
        #expect(json.contains(#""promotedFrom":{"environment":"staging","release":1}"#))
        let decoded = try StewardEvent.decode(seq: 1, type: created.type, subject: created.subject, payload: created.payload)
        #expect(decoded == .event(.deploymentCreated(planned)))

        var progress = planned.progress
        progress.phase = .awaitingApproval
        progress.approvals = ["bob"]
        progress.pausedAt = t0
        let step = StewardEvent.deploymentStep(id: 7, .approve(by: "bob", at: t0), result: progress)
        let encoded = try step.encoded()
        #expect(encoded.type == "deployment.approved")
        let text = String(decoding: encoded.payload, as: UTF8.self)
        #expect(text.contains(#""v":2"#))
        #expect(text.contains(#""by":"bob""#))
        #expect(try StewardEvent.decode(seq: 2, type: encoded.type, subject: encoded.subject, payload: encoded.payload) == .event(step))
        for input in [Deployment.Input.pause(by: "bob", at: t0), .resume(by: "bob", at: t0)] {
            let event = StewardEvent.deploymentStep(id: 7, input, result: planned.progress)
            let written = try event.encoded()
            #expect(try StewardEvent.decode(seq: 3, type: written.type, subject: written.subject, payload: written.payload) == .event(event))
        }
    }
}
