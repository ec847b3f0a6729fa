import Foundation

extension Deployment {
    /// Where a deployment stands: everything the state machine changes after planning.
    ///
    /// Each deployment event in the log records the progress it resulted in, so folding the log
    /// sets it directly and never asks today's state machine to recompute the past.
    public struct Progress: Sendable, Equatable {
        public var phase: Phase
        /// Index of the batch being rolled out.
        public var batch: Int
        public var ready: Set<String>
        public var stopped: Set<String>
        /// Old instances stopped during rolling that must come back on abort.
        public var retired: [String]
        public var deadline: Date?
        public var reason: String?
        public var startedAt: Date?
        public var finishedAt: Date?
        /// The rollout step being carried out (0 without a rollout).
        public var step: Int
        /// The new release's share of the traffic during a rollout.
        public var weight: Int
        /// When a timed pause or the warm period ends, or the window opens.
        public var wakeAt: Date?
        /// Users who approved it, in order.
        public var approvals: [String]
        /// When a person paused the rollout, while paused.
        public var pausedAt: Date?

        /// Creates a progress value.
        public init(
            phase: Phase, batch: Int, ready: Set<String>, stopped: Set<String>, retired: [String],
            deadline: Date?, reason: String?, startedAt: Date?, finishedAt: Date?,
            step: Int = 0, weight: Int = 0, wakeAt: Date? = nil, approvals: [String] = [], pausedAt: Date? = nil
        ) {
            self.approvals = approvals
            self.pausedAt = pausedAt
            self.step = step
            self.weight = weight
            self.wakeAt = wakeAt
            self.phase = phase
            self.batch = batch
            self.ready = ready
            self.stopped = stopped
            self.retired = retired
            self.deadline = deadline
            self.reason = reason
            self.startedAt = startedAt
            self.finishedAt = finishedAt
        }
    }

    /// The deployment's progress; setting it replaces every field the state machine changes.
    public var progress: Progress {
        get {
            Progress(
                phase: phase, batch: batch, ready: ready, stopped: stopped, retired: retired, deadline: deadline,
                reason: reason, startedAt: startedAt, finishedAt: finishedAt, step: step, weight: weight,
                wakeAt: wakeAt, approvals: approvals, pausedAt: pausedAt)
        }
        set {
            phase = newValue.phase
            batch = newValue.batch
            ready = newValue.ready
            stopped = newValue.stopped
            retired = newValue.retired
            deadline = newValue.deadline
            reason = newValue.reason
            startedAt = newValue.startedAt
            finishedAt = newValue.finishedAt
            step = newValue.step
            weight = newValue.weight
            wakeAt = newValue.wakeAt
            approvals = newValue.approvals
            pausedAt = newValue.pausedAt
        }
    }
}

extension Deployment.Input {
    /// Every input's name, as used in event types (`deployment.NAME`).
    public static let names = [
        "started", "checked", "instance-ready", "instance-failed", "instance-stopped", "deadline-passed", "aborted",
        "promoted", "woke", "smoke-passed", "smoke-failed", "analysis-passed", "rule-failed", "approved", "paused",
        "resumed",
    ]

    /// The input's name in event types: `deployment.instance-ready`.
    public var name: String {
        switch self {
        case .start: "started"
        case .checked: "checked"
        case .instanceReady: "instance-ready"
        case .instanceFailed: "instance-failed"
        case .instanceStopped: "instance-stopped"
        case .deadlinePassed: "deadline-passed"
        case .abort: "aborted"
        case .promote: "promoted"
        case .wake: "woke"
        case .smokePassed: "smoke-passed"
        case .smokeFailed: "smoke-failed"
        case .analysisPassed: "analysis-passed"
        case .ruleFailed: "rule-failed"
        case .approve: "approved"
        case .pause: "paused"
        case .resume: "resumed"
        }
    }

    /// When it happened.
    public var at: Date {
        switch self {
        case .start(let at), .checked(_, _, let at), .instanceReady(_, let at), .instanceFailed(_, _, let at),
            .instanceStopped(_, let at),
            .deadlinePassed(let at), .abort(_, let at), .promote(_, let at), .wake(let at), .smokePassed(let at),
            .smokeFailed(_, let at), .analysisPassed(let at), .ruleFailed(_, let at), .approve(_, let at),
            .pause(_, let at), .resume(_, let at):
            at
        }
    }
}

/// A deployment reached a final phase: payload of ``StewardEvent/deploymentFinished(_:)``.
public struct DeploymentFinished: Sendable, Equatable {
    public var id: Int
    public var target: ServiceEnvironment
    /// The release rolled out; on success it is the one serving the target.
    public var release: Int
    /// ``Deployment/Phase/succeeded`` or ``Deployment/Phase/failed``.
    public var phase: Deployment.Phase
    public var reason: String?
    public var at: Date

    /// Creates the fact.
    public init(id: Int, target: ServiceEnvironment, release: Int, phase: Deployment.Phase, reason: String?, at: Date) {
        self.id = id
        self.target = target
        self.release = release
        self.phase = phase
        self.reason = reason
        self.at = at
    }
}
