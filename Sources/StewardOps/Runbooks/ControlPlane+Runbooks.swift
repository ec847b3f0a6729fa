import Foundation
public import StewardCore

extension ControlPlane {
    /// One step of a dry run: what it would do, resolved, secrets masked.
    public struct RunbookStepPreview: Sendable, Codable, Equatable {
        public var name: String
        public var kind: String
        /// The step with its references resolved and secrets masked.
        public var display: String
        public var confirm: Bool
        /// Approvals it needs before it runs (0 when it does not ask).
        public var approvalsNeeded: Int
        /// Its condition, as written.
        public var when: String?
        public var stopOnFailure: Bool
        /// False for the steps before `--from`.
        public var runs: Bool
    }

    /// Starts a run of a runbook in an environment.
    ///
    /// Checks everything before recording anything: the runbook exists and may run there,
    /// `from` names one of its steps, and every step resolves (secrets are set, dependencies
    /// declared). Then it records `runbook.started` and goes.
    /// - Parameter from: Start at this step; the results of the steps before it come from the
    ///   previous run of this runbook in this environment.
    /// - Throws: ``ControlPlaneError`` and records nothing when the run cannot start.
    public func startRunbook(_ name: String, environment: String, from: String? = nil, actor: String) throws -> RunbookRun {
        let (runbook, approvals) = try runbookToRun(name, environment: environment, from: from)
        let earlier = state.runbookRuns.values
            .filter { $0.runbook.name == name && $0.environment == environment }
            .max { $0.id < $1.id }
        let run = RunbookRun(
            id: state.nextRunbookRunID, runbook: runbook, environment: environment, startedBy: actor, startedAt: Date(),
            from: from, approvalsRequired: approvals, earlier: from == nil ? nil : earlier)
        try record([.runbook(.started(run))], actor: actor)
        advanceRunbook(run.id)
        return state.runbookRuns[run.id] ?? run
    }

    /// What a run would do, step by step, without running or recording anything.
    public func dryRunRunbook(_ name: String, environment: String, from: String? = nil) throws -> [RunbookStepPreview] {
        let (runbook, approvals) = try runbookToRun(name, environment: environment, from: from)
        let resolver = try runbookResolver(environment: environment)
        let start = from.flatMap(runbook.stepIndex(named:)) ?? 0
        return try runbook.steps.enumerated().map { index, step in
            let resolved = try resolve(step, with: resolver)
            return RunbookStepPreview(
                name: step.name, kind: step.action.kind, display: resolved.display, confirm: step.confirm,
                approvalsNeeded: step.confirm ? max(1, approvals) : 0, when: step.condition?.text,
                stopOnFailure: step.stopOnFailure, runs: index >= start)
        }
    }

    /// Approves the step a run waits for; the run goes on when it has the approvals it needs.
    ///
    /// - Throws: ``ControlPlaneError/notFound(_:)`` for an unknown run, ``ControlPlaneError/conflict(_:)``
    ///   when the run waits for nothing or `actor` may not approve (approved already, or started it
    ///   in an environment that asks for other people's approval).
    public func approveRunbookRun(_ id: Int, actor: String) throws -> RunbookRun {
        guard let run = state.runbookRuns[id] else { throw ControlPlaneError.notFound("no runbook run \(id)") }
        if let problem = run.approvalProblem(by: actor) { throw ControlPlaneError.conflict(problem) }
        guard let step = run.stepAwaitingApproval else { throw ControlPlaneError.conflict("run \(id) waits for nothing") }
        try record([.runbook(.approved(run: id, step: step, by: actor, at: Date()))], actor: actor)
        advanceRunbook(id)
        return state.runbookRuns[id] ?? run
    }

    /// Cancels a run: no further step starts (a step already running finishes and is recorded).
    public func cancelRunbookRun(_ id: Int, reason: String, actor: String) throws -> RunbookRun {
        guard let run = state.runbookRuns[id] else { throw ControlPlaneError.notFound("no runbook run \(id)") }
        guard !run.phase.isFinished else { throw ControlPlaneError.conflict("run \(id) already \(run.phase.rawValue)") }
        try record(
            [.runbook(.finished(run: id, phase: .canceled, reason: "canceled by \(actor): \(reason)", at: Date()))],
            actor: actor)
        return state.runbookRuns[id] ?? run
    }

    /// The runbook called `name`, checked to run in `environment` from `from`, and the approvals it needs there.
    private func runbookToRun(_ name: String, environment: String, from: String?) throws -> (RunbookSpec, Int) {
        guard let stack = state.stack else { throw ControlPlaneError.invalid("no stack is loaded") }
        guard let runbook = stack.runbooks.first(where: { $0.name == name }) else {
            let known = stack.runbooks.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound("unknown runbook '\(name)'; the stack has: \(known.isEmpty ? "none" : known)")
        }
        guard let spec = stack.environment(named: environment) else {
            let known = stack.environments.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound("unknown environment '\(environment)'; the stack has: \(known)")
        }
        guard runbook.allows(environment: environment) else {
            throw ControlPlaneError.invalid(
                "runbook '\(name)' runs only in \(runbook.environments.joined(separator: ", ")), not \(environment)")
        }
        if let from, runbook.stepIndex(named: from) == nil {
            throw ControlPlaneError.notFound(
                "runbook '\(name)' has no step '\(from)'; its steps: \(runbook.steps.map(\.name).joined(separator: ", "))")
        }
        let resolver = try runbookResolver(environment: environment)
        for step in runbook.steps { _ = try resolve(step, with: resolver) }
        return (runbook, spec.approvals)
    }

    func runbookResolver(environment: String) throws -> RunbookStepResolver {
        guard let planner else { throw ControlPlaneError.invalid("no stack is loaded") }
        return RunbookStepResolver(planner: planner, environment: environment)
    }

    func resolve(_ step: RunbookSpec.Step, with resolver: RunbookStepResolver) throws -> ResolvedRunbookStep {
        do {
            return try resolver.resolve(step)
        } catch {
            throw ControlPlaneError.invalid("step '\(step.name)' cannot be prepared: \(error)")
        }
    }
}
