import Foundation
import Logging
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

/// Runs the instances of one host as child processes and keeps them in the wanted state.
///
/// The supervisor is the agent's engine: it starts each instance in its own process group
/// on a loopback port with its environment injected, appends its output to a log file,
/// probes it, restarts it with backoff when it exits, and stops it gracefully (SIGTERM,
/// grace period, SIGKILL of the whole group).
///
/// It is event-driven: a process's exit is noticed by its ``ProcessHandle`` (a thread
/// blocked in the kernel), restarts and probes are timers, and watchers of
/// ``waitForChange(after:timeout:)`` are woken by the change itself. An idle agent does nothing.
///
/// Starts and stops of one instance id run one after another in arrival order (see
/// `inTurn`), and each re-checks what is wanted when its turn comes: a stop always
/// finishes with its process (SIGKILL included) before a later start of the same id runs,
/// and never touches the process that start creates.
///
/// It is crash-safe by construction: `spec.json` is durable before a start is answered
/// (written before the process starts, or right after a first start, see `startFirst`) and
/// removed before it is stopped, `process.json` names the process (pid, start time, boot),
/// and every instance carries the agent's marker in its environment. ``recover()`` uses the
/// three to adopt what still runs, restart what is wanted but gone, and kill everything
/// else it started, so a restarted agent leaves no orphan and no duplicate.
public actor Supervisor {
    /// Stable identity of this agent, kept in the state directory across restarts.
    public nonisolated let agentID: String
    /// The environment entry every instance carries (`STEWARD_AGENT_ID=…`).
    public nonisolated let marker: String
    nonisolated let files: InstanceFiles
    nonisolated let prober: Prober
    let logger: Logger
    /// What runs (or runs down) on this host.
    var instances: [String: ManagedInstance] = [:]
    /// What the control plane wants, updated the moment a request arrives; queued work re-checks it.
    var wanted: [String: InstanceSpec] = [:]
    /// Per instance id: present while some start or stop holds the turn, with the work waiting for it in order.
    var turns: [String: [CheckedContinuation<Void, Never>]] = [:]
    var lastToken: UInt64 = 0
    var recovered = false
    let notifier: ChangeNotifier
    /// Processes to watch and timers to set, carried out by ``run()``.
    let events: AsyncStream<SupervisorEvent>
    let eventSink: AsyncStream<SupervisorEvent>.Continuation
    /// While an instance has not yet passed readiness, it is probed this often at first …
    /// (A millisecond: a fast instance is noticed within about one, and the cadence slows down
    /// within a few hundredths of a second, see `startupDelay`.)
    let startupProbeMinimum: Duration = .milliseconds(1)
    /// … and then every tenth of its age, until that reaches the probe's interval.
    let startupProbeAgeDivisor = 10
    let logRotationInterval: Duration = .seconds(2)

    /// Opens (or creates) the agent state in `stateDirectory` (made 0700, its files 0600).
    public init(stateDirectory: String, prober: Prober, logger: Logger = Logger(label: "steward.agent")) throws {
        try InstanceFiles.makePrivateDirectory(stateDirectory)
        try InstanceFiles.makePrivateDirectory(stateDirectory + "/instances")
        let idPath = stateDirectory + "/agent-id"
        if let existing = try? String(contentsOfFile: idPath, encoding: .utf8), !existing.isEmpty {
            agentID = existing.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            agentID = "agent-" + UUID().uuidString.lowercased().prefix(8)
            try agentID.write(toFile: idPath, atomically: true, encoding: .utf8)
        }
        chmod(idPath, 0o600)
        marker = "STEWARD_AGENT_ID=\(agentID)"
        files = InstanceFiles(stateDirectory: stateDirectory, cipher: try SpecCipher(keyPath: stateDirectory + "/spec.key"))
        self.prober = prober
        self.logger = logger
        // Starts from the wall clock in microseconds, so a restarted agent never answers with a
        // generation a watcher already saw.
        notifier = ChangeNotifier(generation: UInt64(Date().timeIntervalSince1970 * 1_000_000))
        (events, eventSink) = AsyncStream.makeStream(of: SupervisorEvent.self)
    }

    // MARK: API

    /// Grows on every change that a watcher may care about.
    public nonisolated var generation: UInt64 { notifier.generation }

    /// A snapshot of every instance on this host, with secret values redacted.
    public func snapshot() -> AgentSnapshot {
        AgentSnapshot(
            agentID: agentID, generation: notifier.generation,
            instances: instances.values.map { $0.status.redacted() }.sorted { $0.spec.id < $1.spec.id })
    }

    /// Returns once the generation is past `generation`, or after `timeout`, or on cancellation.
    ///
    /// The long poll of the agent API: woken by the change itself, never by polling.
    public nonisolated func waitForChange(after generation: UInt64, timeout: Duration) async {
        await notifier.wait(after: generation, timeout: timeout)
    }

    /// The status of one instance, with secret values redacted.
    public func status(of id: String) -> InstanceStatus? { instances[id]?.status.redacted() }

    /// Starts an instance, or returns the running one when the same id is already running.
    ///
    /// Idempotent: the control plane may repeat a start after its own crash. When a stop of the
    /// same id is in progress, the start waits for it to finish, then starts a fresh process.
    /// - Returns: the status, with secret values redacted.
    /// - Throws: when the spec cannot be recorded.
    @discardableResult
    public func ensureRunning(_ spec: InstanceSpec) async throws -> InstanceStatus {
        if wanted[spec.id] == nil, instances[spec.id] == nil, turns[spec.id] == nil {
            return try await startFirst(spec)  // the usual case: spawns, then records (see there why that is safe)
        }
        if wanted[spec.id] != spec {
            try files.writeSpec(spec)  // write ahead: wanted before started
            wanted[spec.id] = spec
        }
        return await inTurn(spec.id) {
            // A stop that arrived after this request wins.
            guard let wish = wanted[spec.id] else {
                return InstanceStatus(
                    spec: spec.redacted(), state: .stopping, port: spec.port ?? 0,
                    message: "a later stop request cancelled this start")
            }
            if let existing = instances[spec.id] { return existing.status.redacted() }
            instances[spec.id] = ManagedInstance(spec: wish, port: wish.port ?? allocatePort(), token: nextToken())
            startProcess(spec.id)
            bump()
            return instances[spec.id]?.status.redacted()
                ?? InstanceStatus(spec: wish.redacted(), state: .starting, port: 0)
        }
    }

    /// Stops an instance gracefully and waits until its whole process group is gone.
    ///
    /// Sends SIGTERM to the group, waits up to the grace period, then SIGKILLs the group.
    /// Works with or without the supervision loop running (it is also used at shutdown), and
    /// runs to the end even when the calling task is cancelled.
    /// - Returns: false when no such instance is wanted or running.
    @discardableResult
    public func stop(_ id: String) async -> Bool {
        guard wanted[id] != nil || instances[id] != nil || turns[id] != nil else { return false }
        wanted[id] = nil
        files.removeSpec(id)  // write ahead: no longer wanted, even if we crash mid-stop
        await inTurn(id) { await stopNow(id) }
        return true
    }

    /// Stops every instance (used when the agent itself is told to shut down its host).
    public func stopAll() async {
        let ids = Set(wanted.keys).union(instances.keys)
        await withTaskGroup(of: Void.self) { group in
            for id in ids { group.addTask { await self.stop(id) } }
        }
    }

    // MARK: The loop

    /// Recovers from the state directory, then supervises until cancelled.
    ///
    /// It waits for events (an exit, a due timer) and does nothing in between. Instances keep
    /// running when the loop ends: an agent that stops (or dies) does not take its instances
    /// down; the next agent adopts them.
    public func run() async {
        recoverIfNeeded()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.rotateLogsPeriodically() }
            for await event in events {
                switch event {
                case .watch(let id, let token, let process):
                    group.addTask {
                        guard await process.exited() else { return }
                        await self.processExited(id, token: token)
                    }
                case .wake(let id, let token, let instant, let reason):
                    group.addTask {
                        do { try await Task.sleep(until: instant) } catch { return }
                        await self.wake(id, token: token, reason: reason)
                    }
                }
            }
        }
    }

    func bump() { notifier.bump() }

    func nextToken() -> UInt64 {
        lastToken &+= 1
        return lastToken
    }

    func allocatePort() -> Int {
        let used = Set(instances.values.map(\.status.port))
        for _ in 0..<20 {
            if let port = try? FreeLoopbackPort.next(), !used.contains(port) { return port }
        }
        return (try? FreeLoopbackPort.next()) ?? 0
    }
}
