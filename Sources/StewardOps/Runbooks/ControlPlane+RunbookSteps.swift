import Foundation
import Logging
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// Carries a run forward as far as it goes without waiting: skips, approval requests and the
    /// end are recorded here; a step to run is recorded as started, then handed to a job.
    func advanceRunbook(_ id: Int) {
        while let run = state.runbookRuns[id] {
            let now = Date()
            let event: RunbookEvent
            switch run.nextDecision() {
            case .wait:
                return
            case .skip(let step, let reason):
                event = .stepSkipped(run: id, step: step, reason: reason)
            case .awaitApproval(let step, let needed):
                event = .approvalRequested(run: id, step: step, needed: needed)
            case .finish(let phase, let reason):
                event = .finished(run: id, phase: phase, reason: reason, at: now)
            case .run(let step):
                do {
                    // Resolved again now, not at the start: a secret rotated meanwhile is used at its new value.
                    let resolved = try resolve(run.runbook.steps[step], with: runbookResolver(environment: run.environment))
                    try record(
                        [.runbook(.stepStarted(run: id, step: step, display: resolved.display, at: now))], actor: run.startedBy)
                    jobSink.yield(.runbookStep(run: id, step: step, resolved))
                    return
                } catch {
                    event = .stepFinished(run: id, step: step, result: .failure("\(error)"), interrupted: false, at: now)
                }
            }
            do {
                // The run's progress is the doing of the person who started it.
                try record([.runbook(event)], actor: run.startedBy)
            } catch {
                logger.error("cannot record the progress of runbook run \(id): \(error)")
                return
            }
        }
    }

    /// Records what a step produced (already masked) and carries the run on.
    func runbookStepFinished(_ id: Int, step: Int, result: RunbookStepResult) {
        do {
            try record(
                [.runbook(.stepFinished(run: id, step: step, result: result, interrupted: false, at: Date()))],
                actor: state.runbookRuns[id]?.startedBy ?? "steward")
        } catch {
            logger.error("cannot record step \(step) of runbook run \(id): \(error)")
            return
        }
        advanceRunbook(id)
    }

    /// After a start: a step that was running when the control plane stopped is marked interrupted
    /// (never run again by itself: its effect is unknown), and every unfinished run goes on.
    func resumeRunbooks() {
        for id in state.runbookRuns.keys.sorted() {
            guard let run = state.runbookRuns[id], !run.phase.isFinished else { continue }
            if let step = run.steps.firstIndex(where: { $0.state == .running }) {
                let name = run.steps[step].name
                let result = RunbookStepResult.failure(
                    "interrupted: Steward stopped while this step ran, so whether it took effect is unknown; "
                        + "check, then resume with `steward runbook run \(run.runbook.name) --env \(run.environment) --from \(name)`")
                try? record([.runbook(.stepFinished(run: id, step: step, result: result, interrupted: true, at: Date()))])
            }
            advanceRunbook(id)
        }
    }

    /// Runs one resolved step outside the actor and reports its masked result.
    nonisolated func executeRunbookStep(run id: Int, step: Int, _ resolved: ResolvedRunbookStep) async {
        let runner = runbookRunner
        let result: RunbookStepResult
        switch resolved.work {
        case .command(let argv, let environment, let directory):
            result = await runner.command(argv, environment: environment, workingDirectory: directory, timeout: resolved.timeout)
        case .http(let method, let url, let headers, let body, let expectStatus):
            result = await runner.http(
                method: method, url: url, headers: headers, body: body, expectStatus: expectStatus, timeout: resolved.timeout)
        case .sql(let url, let statements):
            result = await runner.sql(url: url, statements: statements, timeout: resolved.timeout)
        case .redis(let url, let command):
            result = await runner.redis(url: url, command: command, timeout: resolved.timeout)
        case .restart(let service):
            result = await runDeploymentStep(run: id, timeout: resolved.timeout) { plane, environment, actor in
                try await plane.restart(service: service, environment: environment, actor: actor)
            }
        case .scale(let service, let instances):
            result = await runDeploymentStep(run: id, timeout: resolved.timeout) { plane, environment, actor in
                try await plane.scale(service: service, environment: environment, instances: instances, actor: actor)
            }
        case .gate:
            let approvals = await state.runbookRuns[id]?.steps[step].approvals ?? []
            result = RunbookStepResult(succeeded: true, output: "approved by \(approvals.joined(separator: ", "))")
        }
        await runbookStepFinished(id, step: step, result: resolved.mask.apply(result))
    }

    /// Starts a deployment for a step (as the person who started the run) and follows it to its end.
    private nonisolated func runDeploymentStep(
        run id: Int, timeout: Duration,
        start: @Sendable (ControlPlane, String, String) async throws -> Deployment
    ) async -> RunbookStepResult {
        guard let run = await state.runbookRuns[id] else { return .failure("run \(id) is unknown") }
        let deployment: Deployment
        do {
            deployment = try await start(self, run.environment, run.startedBy)
        } catch {
            return .failure("\(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let current = await state.deployments[deployment.id], current.isFinished {
                let summary = "deployment \(current.id) (\(current.kind.rawValue)) \(current.phase.rawValue)"
                    + (current.reason.map { ": \($0)" } ?? "")
                return current.phase == .succeeded
                    ? RunbookStepResult(succeeded: true, output: summary)
                    : .failure(summary, output: summary)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return .failure("deployment \(deployment.id) did not finish within \(timeout); it goes on (`steward deployments`)")
    }
}
