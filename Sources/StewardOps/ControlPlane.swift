import Foundation
import Logging
import Synchronization
public import StewardCore
public import StewardRuntime
public import StewardStore

/// The control plane's engine: the one place state changes, always log first.
///
/// Every request and every observation becomes events appended to the ``EventLog`` and
/// applied to ``state``; only then do effects run (as jobs, outside the actor). Deployment
/// decisions come from ``Deployment/handle(_:)``; this type only carries them out and
/// feeds back what happened. After a restart, ``init(log:agent:secrets:vault:baseDirectory:prober:logger:)``
/// replays the log and ``run()`` resumes unfinished deployments from where they stopped.
public actor ControlPlane {
    /// Work that runs outside the actor: talking to agents, waiting for deadlines.
    enum Job: Sendable {
        case deploymentEffect(Int, Deployment.Effect)
        case startMissing(String, release: Int)
        case stopUnwanted(String)
        case runbookStep(run: Int, step: Int, ResolvedRunbookStep)
        case backup(BackupJob)
        case migration(MigrationJob)
        /// Post the marker of a finished deployment to its environment's webhook.
        case marker(Int)
        case drill(DrillJob)
        case mirror(MirrorJob)
    }

    public nonisolated let log: EventLog
    public nonisolated let agent: AgentClient
    public internal(set) var state = StackState() {
        didSet {
            recorded.withLock { $0 = state }
            changes.bump()
        }
    }
    /// ``state`` as of the last append; see ``recordedState``.
    private nonisolated let recorded = Mutex(StackState())
    /// Moves on after every change of ``recordedState``: long polls of the API wait on it.
    public nonisolated let changes = ChangeNotifier()
    /// The agent's latest snapshot, if one arrived.
    public internal(set) var agentSnapshot: AgentSnapshot?
    /// When the agent last answered; nil while unreachable.
    public internal(set) var agentReachable = false
    let secrets: SecretSource
    /// The secrets vault, when this control plane has one (``setSecret(_:environment:value:actor:)``…).
    public nonisolated let vault: SecretVault?
    public nonisolated let baseDirectory: String
    let logger: Logger
    let prober: Prober
    /// Runs runbook steps (commands, HTTP, SQL, Redis).
    nonisolated let runbookRunner = RunbookStepRunner()
    let jobs: AsyncStream<Job>
    let jobSink: AsyncStream<Job>.Continuation
    var jobsInFlight: Set<String> = []
    var lastRestarts: [String: Int] = [:]
    var resumed = false
    /// The last event covered by a checkpoint.
    var checkpointedSeq: Int64 = 0
    /// Where backups are kept (`DATA/backups`); nil when this control plane keeps none.
    public nonisolated let backupDirectory: String?
    /// The latest create, verify or restore of each backup, by backup id (memory only: the
    /// events are the durable history, the store's manifests what exists).
    public internal(set) var backupOperations: [String: BackupOperation] = [:] {
        // Every change but the byte count's, which moves every 256 KiB: a follower reads that when
        // its wait runs out (about once a second).
        didSet { if !BackupOperation.onlyBytesMoved(from: oldValue, to: backupOperations) { backupChanges.bump() } }
    }
    /// Moves on when a backup operation starts, changes stage or ends: long polls of
    /// `GET /api/v1/backups/{id}` wait on it (not on ``changes``, which every event moves).
    public nonisolated let backupChanges = ChangeNotifier()
    /// The latest migration run of each dependency in each environment, by `DEPENDENCY/ENVIRONMENT`
    /// (memory only: each database's history table is what is applied, the events the audit trail).
    public internal(set) var migrationOperations: [String: MigrationOperation] = [:]
    /// Where drill reports are written (`DATA/drills`); nil refuses drills.
    public nonisolated let drillDirectory: String?
    /// Every drill this process started, by id (memory only: the `drill.*` events are the
    /// durable history, `DATA/drills/ID.md` each finished drill's report).
    public internal(set) var drills: [String: DrillReport] = [:]
    /// The instances of running drills: the reconciler leaves them alone (and only them: after a
    /// crash this is empty, so leftovers are stopped as unwanted).
    var drillInstances: Set<String> = []
    /// The latest sync or restore of each mirror, by name (memory only: the `mirror.*` events are
    /// the durable history, each mirror's manifest what it holds).
    public internal(set) var mirrorOperations: [String: MirrorOperation] = [:]
    /// Called with each appended event (for metrics).
    var onAppend: (@Sendable (EventRecord) -> Void)?
    /// The traffic proxy this control plane routes through, if any (see ``pushTraffic()``).
    public nonisolated let proxy: ProxyClient?
    /// The environment whose services listen on their stable `port:` (nil: the stack's first).
    public nonisolated let trafficEnvironment: String?
    /// Where rollouts' traffic is measured (the proxy's windows by default); nil: no analysis runs.
    public nonisolated let metricsProvider: (any ReleaseMetricsProvider)?
    /// When each running analysis started, by ``AnalysisJob/key`` (memory only: after a restart an
    /// analysis starts over, which only makes it wait longer, never pass sooner).
    var analysisStarts: [String: Date] = [:]
    /// The latest verdict of each rule, by deployment and ``AnalysisJob/key``, for the progress
    /// views (``ruleJudgements(of:)``); memory only, the most recent deployments.
    var latestJudgements: [Int: [String: [RuleJudgement]]] = [:]
    /// The plan the proxy last accepted; nil until a push succeeded.
    public internal(set) var pushedTraffic: TrafficPlan.Plan?
    /// False while pushes to the proxy fail (a drain then waits for nothing).
    var proxyReachable = true
    /// Wakes the traffic loop: something the table depends on may have changed.
    let trafficSignals: AsyncStream<Void>
    let trafficSink: AsyncStream<Void>.Continuation
    /// The wall clock the scheduler reads and sleeps on (``runSchedules()``).
    public nonisolated let scheduleClock: any ScheduleClock
    /// Wakes the scheduler when the stack changes.
    nonisolated let scheduleWakeup = ScheduleWakeup()
    /// False until the first ``apply(stack:digest:file:actor:)`` of this process: the scheduler waits for it.
    var schedulesOpen = false

    /// Opens the control plane over a log, replaying it into ``state``.
    ///
    /// - Parameters:
    ///   - secrets: Where `${secret:NAME}` values come from; by default the vault when there is
    ///     one, then `STEWARD_SECRET_NAME` (``SecretSource/vault(_:fallback:)``).
    ///   - vault: The secrets vault over the same store, if any.
    ///   - backupDirectory: Where backups are kept (created 0700 on first use); nil refuses backups.
    ///   - drillDirectory: Where disaster-recovery drill reports go (created 0700); nil refuses drills.
    ///   - proxy: The traffic proxy to keep routing the stable ports; nil runs without one.
    ///   - trafficEnvironment: The environment served on the stable ports (``TrafficPlan``).
    ///   - metricsProvider: Where rollout analysis measures traffic; by default the proxy's windows.
    ///   - scheduleClock: The wall clock of the scheduler (real time by default; tests move a manual one).
    public init(
        log: EventLog, agent: AgentClient, secrets: SecretSource? = nil, vault: SecretVault? = nil,
        baseDirectory: String, backupDirectory: String? = nil, drillDirectory: String? = nil, prober: Prober = Prober(), proxy: ProxyClient? = nil,
        trafficEnvironment: String? = nil, metricsProvider: (any ReleaseMetricsProvider)? = nil,
        scheduleClock: any ScheduleClock = SystemScheduleClock(),
        logger: Logger = Logger(label: "steward.controlplane")
    ) throws {
        self.scheduleClock = scheduleClock
        self.metricsProvider = metricsProvider ?? proxy.map { ProxyMetricsProvider(client: $0) }
        self.log = log
        self.backupDirectory = backupDirectory
        self.drillDirectory = drillDirectory
        self.agent = agent
        self.proxy = proxy
        self.trafficEnvironment = trafficEnvironment
        (trafficSignals, trafficSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.vault = vault
        self.secrets = secrets ?? vault.map { SecretSource.vault($0) } ?? .environment()
        self.baseDirectory = baseDirectory
        self.logger = logger
        self.prober = prober
        (jobs, jobSink) = AsyncStream.makeStream(of: Job.self)
        let loaded = try log.loadState()
        for skipped in loaded.skipped {
            logger.warning("skipped event \(skipped.seq) (\(skipped.type)): \(skipped.reason)")
        }
        state = loaded.state
        recorded.withLock { $0 = loaded.state }
        checkpointedSeq = loaded.checkpointSeq ?? 0
        if loaded.foldedEvents >= EventLog.checkpointInterval {
            // A long tail was folded: checkpoint it so the next start is short (not fatal if it fails).
            do {
                try log.appendCheckpoint(loaded.state, covering: loaded.lastSeq, hash: loaded.lastHash, time: Date())
                checkpointedSeq = loaded.lastSeq
            } catch {
                logger.error("cannot append a checkpoint: \(error)")
            }
        }
    }

    /// The state as of the last append, read without waiting for the actor.
    ///
    /// Why: a read through the actor queues behind whatever the actor is doing (an append and its
    /// fsync included), which a client polling a deployment feels as latency. This copy is taken
    /// whenever ``state`` changes, i.e. after the append it reflects: it is never ahead of the log.
    public nonisolated var recordedState: StackState { recorded.withLock { $0 } }

    /// Sets a callback that sees every appended event.
    public func setOnAppend(_ callback: @escaping @Sendable (EventRecord) -> Void) { onAppend = callback }

    // MARK: Recording

    /// Appends events durably, then applies them to the state.
    ///
    /// Observations identical to the last one recorded for their subject are dropped
    /// (``StackState/isRepeat(_:)``); every ``EventLog/checkpointInterval`` events a
    /// checkpoint of the state follows, so start-up does not grow with history.
    @discardableResult
    func record(_ events: [StewardEvent], actor: String = "steward") throws -> [EventRecord] {
        let time = Date()
        var fresh: [StewardEvent] = []
        var pending = state
        for event in events where !pending.isRepeat(event) {
            pending.apply(event)
            fresh.append(event)
        }
        let new = try fresh.map { event in
            let encoded = try event.encoded()
            return NewEvent(type: encoded.type, subject: encoded.subject, actor: actor, time: time, payload: encoded.payload)
        }
        let records = try log.append(new)
        state = pending
        if !records.isEmpty { trafficSink.yield() }
        if fresh.contains(where: { if case .stackApplied = $0 { true } else { false } }) { scheduleWakeup.signal() }
        if let last = records.last, last.seq - checkpointedSeq >= EventLog.checkpointInterval {
            do {
                try log.appendCheckpoint(state, covering: last.seq, hash: last.hash, time: time)
                checkpointedSeq = last.seq
            } catch {
                logger.error("cannot append a checkpoint: \(error)")
            }
        }
        if let onAppend { records.forEach(onAppend) }
        return records
    }

    // MARK: Stack

    /// Makes a validated stack the current definition (recorded only when it changed).
    ///
    /// The first call also opens the scheduler (``runSchedules()``): until the stack given at
    /// start is in force, the log's previous stack could arm, disarm or fire schedules the file no
    /// longer declares.
    public func apply(stack: StackSpec, digest: String, file: String, actor: String) throws {
        defer {
            if !schedulesOpen {
                schedulesOpen = true
                scheduleWakeup.signal()
            }
        }
        guard state.stackDigest != digest else { return }
        try record([.stackApplied(StackApplied(spec: stack, digest: digest, file: file))], actor: actor)
    }

    var planner: InstancePlanner? {
        state.stack.map { InstancePlanner(stack: $0, baseDirectory: baseDirectory, secrets: secrets) }
    }
}
