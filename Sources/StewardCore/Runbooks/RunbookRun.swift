import Foundation

/// One run of a runbook in an environment, and every decision about what it does next.
///
/// Pure: ``nextDecision()`` reads the run and says what to do (run a step, skip it, wait for
/// an approval, finish); ``apply(_:)`` folds what happened (``RunbookEvent``). The control
/// plane records each fact before acting on it, so after a crash the run is folded back from
/// the log: a step that was running when Steward stopped is marked interrupted (its effect is
/// unknown, so it is never run again by itself) and the run fails; `--from STEP` resumes it.
public struct RunbookRun: Sendable, Codable, Equatable {
    /// Where the run is in its life.
    public enum Phase: String, Sendable, Codable {
        case running
        /// Waiting for a person to approve the next step.
        case awaitingApproval = "awaiting-approval"
        case succeeded, failed, canceled

        public var isFinished: Bool { self == .succeeded || self == .failed || self == .canceled }
    }

    /// Where one step is.
    public enum StepState: String, Sendable, Codable {
        case pending, running, succeeded, failed, skipped
        /// Running when the control plane stopped: whether it took effect is unknown.
        case interrupted
        /// Before `--from`: its result is the one an earlier run recorded.
        case carried
    }

    /// One step's record.
    public struct StepRecord: Sendable, Codable, Equatable {
        public var name: String
        public var state: StepState
        /// What it produced (secrets masked).
        public var result: RunbookStepResult?
        /// Why it was skipped, or where a carried result comes from.
        public var note: String?
        /// Who approved it, in order.
        public var approvals: [String]
        /// The step as it ran, references resolved and secrets masked.
        public var display: String?
        public var startedAt: Date?
        public var finishedAt: Date?

        public init(name: String, state: StepState = .pending, result: RunbookStepResult? = nil, note: String? = nil) {
            self.name = name
            self.state = state
            self.result = result
            self.note = note
            self.approvals = []
        }
    }

    public var id: Int
    /// The runbook as it was when the run started (a later stack change does not alter a run).
    public var runbook: RunbookSpec
    public var environment: String
    public var startedBy: String
    public var startedAt: Date
    /// The step the run started from, when not the first.
    public var from: String?
    /// Distinct people other than ``startedBy`` who must approve each confirmed step
    /// (the environment's `approvals`); 0 lets the person who started it confirm.
    public var approvalsRequired: Int
    public var phase: Phase
    public var steps: [StepRecord]
    public var reason: String?
    public var finishedAt: Date?

    /// A new run, before anything is recorded.
    ///
    /// - Parameters:
    ///   - from: The step to start from; the ones before it are carried from `earlier` (the
    ///     previous run of the runbook in the environment) when it ran them, or skipped.
    public init(
        id: Int, runbook: RunbookSpec, environment: String, startedBy: String, startedAt: Date, from: String? = nil,
        approvalsRequired: Int, earlier: RunbookRun? = nil
    ) {
        self.id = id
        self.runbook = runbook
        self.environment = environment
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.from = from
        self.approvalsRequired = approvalsRequired
        phase = .running
        let start = from.flatMap(runbook.stepIndex(named:)) ?? 0
        steps = runbook.steps.enumerated().map { index, step in
            guard index < start else { return StepRecord(name: step.name) }
            if let earlier, let record = earlier.steps.first(where: { $0.name == step.name }), let result = record.result {
                return StepRecord(name: step.name, state: .carried, result: result, note: "result of run \(earlier.id)")
            }
            return StepRecord(name: step.name, state: .skipped, note: "before --from \(from ?? "")")
        }
    }

    // MARK: Decisions

    /// What the run should do now.
    public enum Decision: Sendable, Equatable {
        case run(step: Int)
        case skip(step: Int, reason: String)
        /// Ask for an approval of a step (the run waits until enough arrive).
        case awaitApproval(step: Int, needed: Int)
        case finish(Phase, reason: String?)
        /// Nothing to do: a step is running, approvals are awaited, or the run is over.
        case wait
    }

    /// The approvals a confirmed step needs.
    public var approvalsNeeded: Int { max(1, approvalsRequired) }

    /// The next thing to do, from the run's records alone.
    public func nextDecision() -> Decision {
        guard !phase.isFinished, !steps.contains(where: { $0.state == .running }) else { return .wait }
        for (index, record) in steps.enumerated()
        where (record.state == .failed || record.state == .interrupted) && runbook.steps[index].stopOnFailure {
            let why = record.result?.error.map { ": \($0)" } ?? ""
            return .finish(.failed, reason: "step '\(record.name)' \(record.state.rawValue)\(why)")
        }
        guard let index = steps.firstIndex(where: { $0.state == .pending }) else {
            let tolerated = steps.filter { $0.state == .failed }.map(\.name)
            let reason = tolerated.isEmpty
                ? nil : "\(tolerated.count) step(s) failed without stopping the run: \(tolerated.joined(separator: ", "))"
            return .finish(.succeeded, reason: reason)
        }
        let step = runbook.steps[index]
        if let condition = step.condition, !condition.holds(given: outcome(of: condition.step)) {
            return .skip(step: index, reason: "condition `\(condition.text)` is false")
        }
        if step.confirm, steps[index].approvals.count < approvalsNeeded {
            return phase == .awaitingApproval ? .wait : .awaitApproval(step: index, needed: approvalsNeeded)
        }
        return .run(step: index)
    }

    /// What is known of the step called `name`, for conditions.
    public func outcome(of name: String) -> RunbookCondition.Outcome? {
        guard let record = steps.first(where: { $0.name == name }) else { return nil }
        switch record.state {
        case .skipped: return .skipped
        case .succeeded, .failed, .interrupted, .carried: return record.result.map { .ran($0) }
        case .pending, .running: return nil
        }
    }

    /// The step waiting for approval, if the run waits for one.
    public var stepAwaitingApproval: Int? {
        guard phase == .awaitingApproval else { return nil }
        return steps.firstIndex { $0.state == .pending }
    }

    /// Why `user` may not approve the waiting step now; nil when they may.
    public func approvalProblem(by user: String) -> String? {
        guard let index = stepAwaitingApproval else {
            return "run \(id) is \(phase.rawValue), not waiting for an approval"
        }
        let record = steps[index]
        if record.approvals.contains(user) { return "\(user) already approved step '\(record.name)'" }
        if approvalsRequired > 0, user == startedBy {
            return "\(environment) needs approval by \(approvalsRequired) person(s) other than \(startedBy), who started run \(id)"
        }
        return nil
    }

    // MARK: Folding

    /// Applies one recorded fact about this run.
    public mutating func apply(_ event: RunbookEvent) {
        switch event {
        case .started(let run):
            self = run
        case .stepStarted(_, let step, let display, let at):
            guard steps.indices.contains(step) else { return }
            steps[step].state = .running
            steps[step].display = display
            steps[step].startedAt = at
            phase = .running
        case .stepFinished(_, let step, let result, let interrupted, let at):
            guard steps.indices.contains(step) else { return }
            steps[step].state = interrupted ? .interrupted : result.succeeded ? .succeeded : .failed
            steps[step].result = result
            steps[step].finishedAt = at
        case .stepSkipped(_, let step, let reason):
            guard steps.indices.contains(step) else { return }
            steps[step].state = .skipped
            steps[step].note = reason
        case .approvalRequested:
            phase = .awaitingApproval
        case .approved(_, let step, let user, _):
            guard steps.indices.contains(step) else { return }
            steps[step].approvals.append(user)
            if steps[step].approvals.count >= approvalsNeeded { phase = .running }
        case .finished(_, let phase, let reason, let at):
            self.phase = phase
            self.reason = reason
            finishedAt = at
        }
    }
}

/// A fact about a runbook run, as the log records it (`runbook.*` events, `docs/events.md`).
public enum RunbookEvent: Sendable, Equatable {
    /// The run began (its initial record: steps, carried results, the runbook as it was).
    case started(RunbookRun)
    /// A step is about to run, resolved as shown (secrets masked).
    case stepStarted(run: Int, step: Int, display: String, at: Date)
    /// A step ended; `interrupted` when Steward stopped while it ran.
    case stepFinished(run: Int, step: Int, result: RunbookStepResult, interrupted: Bool, at: Date)
    /// A step was not run.
    case stepSkipped(run: Int, step: Int, reason: String)
    /// The run waits for approvals of a step.
    case approvalRequested(run: Int, step: Int, needed: Int)
    /// A person approved a step.
    case approved(run: Int, step: Int, by: String, at: Date)
    /// The run ended.
    case finished(run: Int, phase: RunbookRun.Phase, reason: String?, at: Date)

    /// The run the event is about.
    public var run: Int {
        switch self {
        case .started(let run): run.id
        case .stepStarted(let run, _, _, _), .stepFinished(let run, _, _, _, _), .stepSkipped(let run, _, _),
            .approvalRequested(let run, _, _), .approved(let run, _, _, _), .finished(let run, _, _, _):
            run
        }
    }
}
