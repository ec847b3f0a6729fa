import Foundation

/// A deployment of one release (rolling, blue/green or canary), as a pure state machine.
///
/// Every decision about a deployment is made here and nowhere else: which instances to
/// start, when a batch is done, when to stop old instances, and when to give up and restore
/// the old release. ``handle(_:)`` takes an input (something that happened) and returns the
/// effects to carry out; it never sleeps, reads a clock or touches a process, so it is
/// tested without any of them. The deployer records each input in the event log, with the
/// ``Progress`` it led to, before running its effects; after a crash the state is folded back
/// from those facts (never by running this machine again) and ``resume()`` continues.
///
/// ## Topics
/// - ``Input``
/// - ``Effect``
/// - ``Phase``
public struct Deployment: Sendable, Codable, Equatable {
    /// Where the deployment is in its life.
    public enum Phase: String, Sendable, Codable, CaseIterable {
        /// Created, not yet started (waiting for its turn).
        case pending
        /// Waits for ``Deployment/approvalsRequired`` approvals by users other than the requester
        /// (`steward approve`); nothing has started.
        case awaitingApproval = "awaiting-approval"
        /// Waits for its environment's deployment window to open (at ``Deployment/wakeAt``);
        /// nothing has started.
        case awaitingWindow = "awaiting-window"
        /// Running the pre-deployment checklist (required variables, reachable dependencies,
        /// `preDeploy` commands); no instance has started.
        case checking
        /// Starting new instances batch by batch and stopping old ones; with a ``Rollout``,
        /// starting every new instance and then walking the rollout's steps.
        case rolling
        /// A rollout switched: the new release takes all the traffic while the previous one
        /// stays running without traffic until ``Deployment/wakeAt`` (an abort is then a weight
        /// flip), and then stops.
        case warm
        /// Failed; stopping new instances and restoring old ones.
        case aborting
        case succeeded
        case failed
    }

    /// Why a deployment was created.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A version deployed (`steward deploy`).
        case deploy
        /// The release that served before, again (`steward rollback`).
        case rollback
        /// The current release again, every instance replaced (`steward restart`, `secret rotate --restart`).
        case restart
        /// The current release with another instance count (`steward scale`).
        case scale
        /// The release a stop stopped, again (`steward start`).
        case start
    }

    /// Something that happened to the deployment.
    public enum Input: Sendable, Codable, Equatable {
        case start(at: Date)
        /// The pre-deployment checklist ran: every item that failed, or none, and what it reports
        /// beside them (the pending migrations of each `deploy.migrate` database and their fate).
        case checked(failures: [String], items: [String] = [], at: Date)
        /// A started instance passed readiness.
        case instanceReady(String, at: Date)
        /// A started instance cannot become ready (crash loop, missing executable…).
        case instanceFailed(String, reason: String, at: Date)
        /// An instance asked to stop is gone.
        case instanceStopped(String, at: Date)
        /// The readiness deadline of the current batch passed.
        case deadlinePassed(at: Date)
        /// A person aborted it.
        case abort(reason: String, at: Date)
        /// A person moved a rollout on: past a pause or an analysis, or out of its warm period.
        case promote(by: String, at: Date)
        /// A user other than the requester approved a deployment that waits for approvals.
        case approve(by: String, at: Date)
        /// A person held a rollout at its current step: weights stay, its timers stop counting.
        case pause(by: String, at: Date)
        /// A person let a paused rollout go on; its timers count again from where they stopped.
        case resume(by: String, at: Date)
        /// The time set by ``Effect/scheduleWake(_:)`` came: a timed pause or the warm period is over.
        case wake(at: Date)
        /// The smoke commands passed against the new release.
        case smokePassed(at: Date)
        /// A smoke command failed.
        case smokeFailed(reason: String, at: Date)
        /// The current analysis step's rules passed.
        case analysisPassed(at: Date)
        /// A rollback rule, or a rule of the current analysis step, failed: the reason names the
        /// rule, the value measured and the window.
        case ruleFailed(reason: String, at: Date)
    }

    /// Work for the engine.
    public enum Effect: Sendable, Codable, Equatable {
        /// Start (idempotently) these instances of `release`.
        case startInstances([String], release: Int)
        /// Stop these instances gracefully.
        case stopInstances([String])
        /// Feed ``Input/deadlinePassed(at:)`` at this time unless the batch is done first.
        case scheduleDeadline(Date)
        /// Feed ``Input/wake(at:)`` at this time.
        case scheduleWake(Date)
        /// Run the smoke commands against the new release and feed the outcome.
        case runSmoke
        /// Run the pre-deployment checklist and feed ``Input/checked(failures:at:)``.
        case runChecklist
        /// The deployment reached a final phase.
        case finished(Phase, reason: String?)
    }

    public var id: Int
    public var kind: Kind
    public var target: ServiceEnvironment
    /// The release being rolled out.
    public var release: Int
    /// The release it replaces, if any.
    public var previousRelease: Int?
    /// Instances of the previous release, in order.
    public var oldInstances: [String]
    /// Instances of the new release, in order.
    public var newInstances: [String]
    /// New instances started per batch (max surge plus max unavailable; every new instance at once
    /// with a rollout).
    public var batchSize: Int
    /// Old instances of each batch stopped when the batch starts, before its new instances are
    /// ready (max unavailable; 0 with a rollout). The rest of the batch's old instances stop once
    /// its new ones are ready.
    public var unavailable: Int
    /// The blue/green or canary steps; nil for a rolling deployment.
    public var rollout: Rollout?
    /// Index of the rollout step being carried out (``Rollout/steps``'s count once all are done).
    public var step: Int
    /// The new release's share of the traffic during a rollout, 0–100.
    public var weight: Int
    /// When a timed pause or the warm period ends.
    public var wakeAt: Date?
    /// Whether the pre-deployment checklist runs before any instance starts.
    public var checklist: Bool
    /// What the checklist reported beside its failures, once it ran: for each `deploy.migrate`
    /// database, its pending migrations (by version and name) and what became of each, or that
    /// none was pending. Nil when it reported nothing.
    public var checklistItems: [String]?
    public var readinessTimeout: TimeSpan
    public var phase: Phase
    /// Index of the batch being rolled out.
    public var batch: Int
    public var ready: Set<String>
    public var stopped: Set<String>
    /// Old instances that were stopped during rolling and must come back on abort.
    public var retired: [String]
    public var deadline: Date?
    public var reason: String?
    public var requestedBy: String
    public var createdAt: Date
    /// Approvals by distinct users other than ``requestedBy`` needed before it starts (the
    /// environment's `approvals`, taken when it was planned).
    public var approvalsRequired: Int
    /// The environment's deployment window when it was planned: it starts only while open.
    public var window: DeploymentWindow?
    /// Who started it outside its window, and why (`--override-window --reason`).
    public var windowOverride: WindowOverride?
    /// The environment and release it promotes (`steward promote SERVICE --from --to`).
    public var promotedFrom: PromotionSource?
    /// Users who approved it, in order.
    public var approvals: [String]
    /// When a person paused the rollout; nil while it is not paused.
    public var pausedAt: Date?
    public var startedAt: Date?
    public var finishedAt: Date?

    /// Plans a deployment. `batchSize` is clamped to at least 1, `unavailable` to 0...batchSize.
    public init(
        id: Int, kind: Kind = .deploy, target: ServiceEnvironment, release: Int, previousRelease: Int?,
        oldInstances: [String], newInstances: [String], batchSize: Int, readinessTimeout: TimeSpan,
        unavailable: Int = 0, rollout: Rollout? = nil, checklist: Bool = false, requestedBy: String, createdAt: Date,
        gates: Gates = Gates()
    ) {
        self.checklist = checklist
        self.approvalsRequired = max(0, gates.approvalsRequired)
        self.window = gates.window
        self.windowOverride = gates.windowOverride
        self.promotedFrom = gates.promotedFrom
        self.approvals = []
        self.id = id
        self.kind = kind
        self.target = target
        self.release = release
        self.previousRelease = previousRelease
        self.oldInstances = oldInstances
        self.newInstances = newInstances
        // A rollout starts every new instance before any takes traffic.
        self.batchSize = rollout == nil ? max(1, batchSize) : max(1, newInstances.count)
        self.unavailable = rollout == nil ? min(max(0, unavailable), self.batchSize) : 0
        self.rollout = rollout
        self.step = 0
        self.weight = 0
        self.readinessTimeout = readinessTimeout
        self.phase = .pending
        self.batch = 0
        self.ready = []
        self.stopped = []
        self.retired = []
        self.requestedBy = requestedBy
        self.createdAt = createdAt
    }

    /// True once the deployment can change no more.
    public var isFinished: Bool { phase == .succeeded || phase == .failed }

    /// True while it waits for approvals or its window, with nothing started.
    public var isHeld: Bool { phase == .awaitingApproval || phase == .awaitingWindow }

    /// The rollout step being carried out, if a rollout is walking its steps.
    public var currentStep: Rollout.Step? {
        guard phase == .rolling, batch >= batchCount, let steps = rollout?.steps, step < steps.count else { return nil }
        return steps[step]
    }

    /// The new instances of batch `index`.
    public func newBatch(_ index: Int) -> [String] {
        Array(newInstances.dropFirst(index * batchSize).prefix(batchSize))
    }

    /// The old instances retired after batch `index` (the last batch retires all that remain).
    public func oldBatch(_ index: Int) -> [String] {
        if index == batchCount - 1 { return Array(oldInstances.dropFirst(index * batchSize)) }
        return Array(oldInstances.dropFirst(index * batchSize).prefix(batchSize))
    }

    /// Batches in the rollout (at least one, so a scale-to-zero still retires the old instances).
    public var batchCount: Int { max(1, (newInstances.count + batchSize - 1) / batchSize) }
}
