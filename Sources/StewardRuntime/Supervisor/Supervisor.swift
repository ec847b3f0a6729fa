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
/// It is crash-safe by construction: `spec.json` is written before a process starts and
/// removed before it is stopped, `process.json` names the process, and every instance
/// carries the agent's marker in its environment. ``recover()`` uses the three to adopt
/// what still runs, restart what is wanted but gone, and kill everything else it started,
/// so a restarted agent leaves no orphan and no duplicate.
public actor Supervisor {
    /// Stable identity of this agent, kept in the state directory across restarts.
    public nonisolated let agentID: String
    /// The environment entry every instance carries (`STEWARD_AGENT_ID=…`).
    public nonisolated let marker: String
    let files: InstanceFiles
    let prober: Prober
    let logger: Logger
    var instances: [String: ManagedInstance] = [:]
    /// Grows on every change that a watcher may care about. It starts from the wall clock in
    /// microseconds, so a restarted agent never answers with a generation a watcher already saw.
    public private(set) var generation = UInt64(Date().timeIntervalSince1970 * 1_000_000)
    var ticks = 0
    var recovered = false
    let tickInterval: Duration = .milliseconds(10)
    /// While an instance has not yet passed readiness, probe it this often (a startup probe).
    let startupProbeInterval: Duration = .milliseconds(5)

    /// Opens (or creates) the agent state in `stateDirectory`.
    public init(stateDirectory: String, prober: Prober, logger: Logger = Logger(label: "steward.agent")) throws {
        try FileManager.default.createDirectory(atPath: stateDirectory + "/instances", withIntermediateDirectories: true)
        let idPath = stateDirectory + "/agent-id"
        if let existing = try? String(contentsOfFile: idPath, encoding: .utf8), !existing.isEmpty {
            agentID = existing.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            agentID = "agent-" + UUID().uuidString.lowercased().prefix(8)
            try agentID.write(toFile: idPath, atomically: true, encoding: .utf8)
        }
        marker = "STEWARD_AGENT_ID=\(agentID)"
        files = InstanceFiles(stateDirectory: stateDirectory)
        self.prober = prober
        self.logger = logger
    }

    // MARK: API

    /// A snapshot of every wanted instance.
    public func snapshot() -> AgentSnapshot {
        AgentSnapshot(
            agentID: agentID, generation: generation,
            instances: instances.values.map(\.status).sorted { $0.spec.id < $1.spec.id })
    }

    /// The status of one instance.
    public func status(of id: String) -> InstanceStatus? { instances[id]?.status }

    /// Starts an instance, or returns the running one when the same id is already wanted.
    ///
    /// Idempotent: the control plane may repeat a start after its own crash.
    /// - Throws: when the spec cannot be recorded.
    @discardableResult
    public func ensureRunning(_ spec: InstanceSpec) throws -> InstanceStatus {
        if let existing = instances[spec.id], existing.killDeadline == nil { return existing.status }
        try files.writeSpec(spec)  // write ahead: wanted before started
        let port = spec.port ?? allocatePort()
        var managed = ManagedInstance(spec: spec, port: port, now: .now)
        managed.status.message = "starting"
        instances[spec.id] = managed
        startProcess(spec.id)
        bump()
        return instances[spec.id]?.status ?? managed.status
    }

    /// Stops an instance gracefully and waits until its whole process group is gone.
    ///
    /// Sends SIGTERM to the group, waits up to the grace period, then SIGKILLs the group.
    /// Works with or without the supervision loop running (it is also used at shutdown).
    /// - Returns: false when no such instance is wanted.
    @discardableResult
    public func stop(_ id: String) async -> Bool {
        guard var managed = instances[id] else { return false }
        files.removeSpec(id)  // write ahead: no longer wanted, even if we crash mid-stop
        if managed.killDeadline == nil {
            managed.killDeadline = .now + managed.spec.stopGracePeriod.duration
            managed.status.state = .stopping
            managed.status.ready = false
            managed.status.message = "stopping"
            if let process = managed.process { ProcessControl.signalGroup(process.pid, SIGTERM) }
            instances[id] = managed
            bump()
        }
        while let current = instances[id] {
            guard let process = current.process,
                ProcessControl.reapIfExited(process.pid) == nil, ProcessControl.isRunning(process)
            else {
                finishStop(id)
                break
            }
            if let deadline = current.killDeadline, ContinuousClock.now >= deadline {
                ProcessControl.signalGroup(process.pid, SIGKILL)
            }
            if Task.isCancelled {
                usleep(10_000)  // shutting down: still wait for the group, without the scheduler
            } else {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return true
    }

    /// Stops every instance (used when the agent itself is told to shut down its host).
    public func stopAll() async {
        await withTaskGroup(of: Void.self) { group in
            for id in instances.keys { group.addTask { await self.stop(id) } }
        }
    }

    /// Reads part of an instance's output log.
    ///
    /// - Parameters:
    ///   - offset: where to start; negative counts back from the end (`-4096` is the last 4 KiB).
    ///   - limit: the most bytes returned.
    public func readLog(_ id: String, offset: Int, limit: Int) -> LogChunk? {
        let path = files.logPath(id)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return FileManager.default.fileExists(atPath: files.directory(id))
                ? LogChunk(instanceID: id, offset: 0, nextOffset: 0, text: "") : nil
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        var start = offset < 0 ? max(0, size + offset) : offset
        if start > size { start = 0 }  // the log was rotated underneath the reader
        try? handle.seek(toOffset: UInt64(start))
        let data = (try? handle.read(upToCount: max(0, min(limit, size - start)))) ?? Data()
        return LogChunk(
            instanceID: id, offset: start, nextOffset: start + data.count,
            text: String(decoding: data, as: UTF8.self))
    }

    // MARK: The loop

    /// Recovers from the state directory, then supervises until cancelled.
    ///
    /// Instances keep running when the loop ends: an agent that stops (or dies) does not
    /// take its instances down; the next agent adopts them.
    public func run() async {
        recoverIfNeeded()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for job in tick() {
                    group.addTask {
                        let result = await self.prober.run(job.check, target: job.target, timeout: job.timeout)
                        await self.record(result, kind: job.kind, for: job.instanceID, startTicks: job.startTicks)
                    }
                }
                try? await Task.sleep(for: tickInterval)
            }
        }
    }

    func bump() { generation &+= 1 }

    func allocatePort() -> Int {
        let used = Set(instances.values.map(\.status.port))
        for _ in 0..<20 {
            if let port = try? FreeLoopbackPort.next(), !used.contains(port) { return port }
        }
        return (try? FreeLoopbackPort.next()) ?? 0
    }
}
