import Foundation
import Testing
@testable import StewardCore

@Suite struct RunbookRunTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func runbook(_ steps: [RunbookSpec.Step]) -> RunbookSpec { RunbookSpec(name: "clear-cache", steps: steps) }

    func step(_ name: String, confirm: Bool = false, stopOnFailure: Bool = true, when: String? = nil) throws -> RunbookSpec.Step {
        RunbookSpec.Step(
            name: name, action: .redis(dependency: "cache", command: ["DBSIZE"]), stopOnFailure: stopOnFailure,
            confirm: confirm, condition: try when.map { try RunbookCondition(parsing: $0) })
    }

    /// Feeds decisions back as the control plane would, with `results` for each step run; returns the decisions.
    func drive(_ run: inout RunbookRun, results: [String: RunbookStepResult], approve: [String] = []) -> [RunbookRun.Decision] {
        var decisions: [RunbookRun.Decision] = []
        var approvals = approve
        for _ in 0..<20 {
            let decision = run.nextDecision()
            decisions.append(decision)
            switch decision {
            case .run(let index):
                run.apply(.stepStarted(run: run.id, step: index, display: "x", at: t0))
                let result = results[run.steps[index].name] ?? RunbookStepResult(succeeded: true)
                run.apply(.stepFinished(run: run.id, step: index, result: result, interrupted: false, at: t0))
            case .skip(let index, let reason):
                run.apply(.stepSkipped(run: run.id, step: index, reason: reason))
            case .awaitApproval(let index, let needed):
                run.apply(.approvalRequested(run: run.id, step: index, needed: needed))
            case .wait:
                guard let index = run.stepAwaitingApproval, !approvals.isEmpty else { return decisions }
                run.apply(.approved(run: run.id, step: index, by: approvals.removeFirst(), at: t0))
            case .finish(let phase, let reason):
                run.apply(.finished(run: run.id, phase: phase, reason: reason, at: t0))
                return decisions
            }
        }
        return decisions
    }

    @Test func stepsRunInOrderAndTheRunSucceeds() throws {
        var run = RunbookRun(
            id: 1, runbook: runbook([try step("a"), try step("b")]), environment: "staging", startedBy: "ana", startedAt: t0,
            approvalsRequired: 0)
        let decisions = drive(&run, results: [:])
        #expect(decisions == [.run(step: 0), .run(step: 1), .finish(.succeeded, reason: nil)])
        #expect(run.phase == .succeeded)
        #expect(run.steps.map(\.state) == [.succeeded, .succeeded])
    }

    @Test func aFailedStepStopsTheRunUnlessItMayFail() throws {
        var stopping = RunbookRun(
            id: 1, runbook: runbook([try step("a"), try step("b")]), environment: "staging", startedBy: "ana", startedAt: t0,
            approvalsRequired: 0)
        _ = drive(&stopping, results: ["a": .failure("connection refused")])
        #expect(stopping.phase == .failed)
        #expect(stopping.reason == "step 'a' failed: connection refused")
        #expect(stopping.steps[1].state == .pending)

        var tolerant = RunbookRun(
            id: 2, runbook: runbook([try step("a", stopOnFailure: false), try step("b")]), environment: "staging",
            startedBy: "ana", startedAt: t0, approvalsRequired: 0)
        _ = drive(&tolerant, results: ["a": .failure("connection refused")])
        #expect(tolerant.phase == .succeeded)
        #expect(tolerant.steps.map(\.state) == [.failed, .succeeded])
        #expect(tolerant.reason?.contains("a") == true)
    }

    @Test func aFalseConditionSkipsTheStepAndAsksNoApproval() throws {
        var run = RunbookRun(
            id: 1,
            runbook: runbook([try step("count"), try step("terminate", confirm: true, when: "steps.count.value > 0")]),
            environment: "production", startedBy: "ana", startedAt: t0, approvalsRequired: 1)
        let decisions = drive(&run, results: ["count": RunbookStepResult(succeeded: true, value: "0")])
        #expect(decisions == [.run(step: 0), .skip(step: 1, reason: "condition `steps.count.value > 0` is false"), .finish(.succeeded, reason: nil)])
        #expect(run.steps[1].state == .skipped)
    }

    @Test func aGateWaitsForOneApprovalWhereTheEnvironmentAsksForNone() throws {
        var run = RunbookRun(
            id: 1, runbook: runbook([try step("flush", confirm: true)]), environment: "staging", startedBy: "ana",
            startedAt: t0, approvalsRequired: 0)
        var decisions = drive(&run, results: [:])
        #expect(decisions == [.awaitApproval(step: 0, needed: 1), .wait])
        #expect(run.phase == .awaitingApproval)
        #expect(run.approvalProblem(by: "ana") == nil)  // the starter may confirm their own run here
        decisions = drive(&run, results: [:], approve: ["ana"])
        #expect(decisions == [.wait, .run(step: 0), .finish(.succeeded, reason: nil)])
        #expect(run.steps[0].approvals == ["ana"])
    }

    @Test func whereTheEnvironmentAsksForApprovalsTheStarterCannotApprove() throws {
        var run = RunbookRun(
            id: 7, runbook: runbook([try step("flush", confirm: true)]), environment: "production", startedBy: "ana",
            startedAt: t0, approvalsRequired: 2)
        #expect(drive(&run, results: [:]) == [.awaitApproval(step: 0, needed: 2), .wait])
        #expect(run.approvalProblem(by: "ana")?.contains("other than ana") == true)
        run.apply(.approved(run: 7, step: 0, by: "ben", at: t0))
        #expect(run.approvalProblem(by: "ben") == "ben already approved step 'flush'")
        #expect(run.nextDecision() == .wait)  // one of two
        run.apply(.approved(run: 7, step: 0, by: "cy", at: t0))
        #expect(run.nextDecision() == .run(step: 0))
        #expect(run.approvalProblem(by: "dee") == "run 7 is running, not waiting for an approval")
    }

    @Test func fromCarriesEarlierResultsIntoConditions() throws {
        let spec = runbook([try step("count"), try step("terminate", when: "steps.count.value > 0"), try step("verify")])
        var first = RunbookRun(id: 1, runbook: spec, environment: "staging", startedBy: "ana", startedAt: t0, approvalsRequired: 0)
        _ = drive(&first, results: ["count": RunbookStepResult(succeeded: true, value: "4"), "terminate": .failure("timeout")])
        #expect(first.phase == .failed)

        var resumed = RunbookRun(
            id: 2, runbook: spec, environment: "staging", startedBy: "ana", startedAt: t0, from: "terminate",
            approvalsRequired: 0, earlier: first)
        #expect(resumed.steps[0].state == .carried)
        #expect(resumed.steps[0].note == "result of run 1")
        let decisions = drive(&resumed, results: [:])
        #expect(decisions == [.run(step: 1), .run(step: 2), .finish(.succeeded, reason: nil)])

        var fresh = RunbookRun(
            id: 3, runbook: spec, environment: "staging", startedBy: "ana", startedAt: t0, from: "verify", approvalsRequired: 0)
        #expect(fresh.steps.map(\.state) == [.skipped, .skipped, .pending])
        #expect(drive(&fresh, results: [:]) == [.run(step: 2), .finish(.succeeded, reason: nil)])
    }

    @Test func anInterruptedStepFailsTheRunAndIsNotRunAgain() throws {
        var run = RunbookRun(
            id: 1, runbook: runbook([try step("a"), try step("b")]), environment: "staging", startedBy: "ana", startedAt: t0,
            approvalsRequired: 0)
        run.apply(.stepStarted(run: 1, step: 0, display: "x", at: t0))
        #expect(run.nextDecision() == .wait)
        run.apply(.stepFinished(run: 1, step: 0, result: .failure("interrupted"), interrupted: true, at: t0))
        #expect(run.nextDecision() == .finish(.failed, reason: "step 'a' interrupted: interrupted"))
    }

    @Test func everyRunbookEventRoundTripsThroughTheLogShape() throws {
        let spec = runbook([
            try step("count", when: nil),
            RunbookSpec.Step(
                name: "hit", action: .http(.init(method: "POST", url: "http://x/${environment}", headers: ["A": "b"], body: "{}", expectStatus: [200, 204])),
                confirm: true, condition: try RunbookCondition(parsing: "steps.count.rows >= 1"), timeout: .seconds(5)),
            RunbookSpec.Step(name: "sql", action: .sql(dependency: "db", statements: ["SELECT 1", "SELECT 2"])),
            RunbookSpec.Step(name: "cmd", action: .command(["echo", "hi"], env: ["A": "${secret:A}"]), stopOnFailure: false),
            RunbookSpec.Step(name: "restart", action: .restart(service: "api")),
            RunbookSpec.Step(name: "scale", action: .scale(service: "api", instances: 3)),
            RunbookSpec.Step(name: "gate", action: .gate, confirm: true),
        ])
        let run = RunbookRun(id: 3, runbook: spec, environment: "production", startedBy: "ana", startedAt: t0, approvalsRequired: 1)
        let events: [RunbookEvent] = [
            .started(run),
            .stepStarted(run: 3, step: 0, display: "redis on redis://x: DBSIZE", at: t0),
            .stepFinished(run: 3, step: 0, result: RunbookStepResult(succeeded: true, rows: 1, value: "1", output: "1"), interrupted: false, at: t0),
            .approvalRequested(run: 3, step: 1, needed: 1),
            .approved(run: 3, step: 1, by: "ben", at: t0),
            .stepSkipped(run: 3, step: 2, reason: "no"),
            .stepFinished(run: 3, step: 3, result: .failure("boom"), interrupted: true, at: t0),
            .finished(run: 3, phase: .canceled, reason: "canceled by ben", at: t0),
        ]
        for (index, event) in events.enumerated() {
            let encoded = try StewardEvent.runbook(event).encoded()
            #expect(encoded.subject == "runbook-run/3")
            let decoded = try StewardEvent.decode(seq: Int64(index + 1), type: encoded.type, subject: encoded.subject, payload: encoded.payload)
            #expect(decoded == .event(.runbook(event)), "\(encoded.type)")
        }
    }
}
