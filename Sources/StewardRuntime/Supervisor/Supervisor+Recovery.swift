import Logging
import Foundation
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// Recovers once; call it before serving the API so that no request sees a half-recovered state.
    public func recoverIfNeeded() {
        guard !recovered else { return }
        recovered = true
        recover()
    }

    /// Rebuilds the supervisor from its state directory after a restart.
    ///
    /// - A wanted instance (`spec.json`) whose recorded process still runs is adopted.
    /// - A wanted instance whose process is gone is started again.
    /// - A recorded process that is no longer wanted (a stop was cut short) is killed.
    /// - Any other process carrying this agent's marker (started, but killed before it was
    ///   recorded) is killed with its group.
    func recover() {
        let now = ContinuousClock.now
        var adoptedGroups: Set<Int32> = []
        for id in files.allIDs() {
            let record = files.readProcess(id)
            let started = record.map { ProcessControl.Started(pid: $0.pid, startTicks: $0.startTicks) }
            let alive = started.map(ProcessControl.isRunning) ?? false
            guard let spec = files.readSpec(id) else {
                if alive, let started { ProcessControl.signalGroup(started.pid, SIGKILL) }
                files.removeProcess(id)
                continue
            }
            if alive, let started, let record {
                var managed = ManagedInstance(spec: spec, port: record.port, now: now)
                managed.process = started
                managed.status.state = .running
                managed.status.pid = started.pid
                managed.status.restarts = record.restarts
                managed.status.startedAt = record.startedAt
                managed.status.adopted = true
                managed.status.message = "adopted pid \(started.pid)"
                // Readiness is re-established by probing; until then it counts as not ready.
                managed.status.ready = spec.readiness == nil
                managed.readySinceStart = spec.readiness == nil
                instances[id] = managed
                adoptedGroups.insert(started.pid)
                logger.info("adopted \(id) pid \(started.pid)")
            } else {
                files.removeProcess(id)
                instances[id] = ManagedInstance(spec: spec, port: spec.port ?? record?.port ?? allocatePort(), now: now)
            }
        }
        killUnrecordedProcesses(keeping: adoptedGroups)
        for (id, managed) in instances where managed.process == nil { startProcess(id) }
        bump()
    }

    /// Kills every process with this agent's marker outside the adopted process groups.
    private func killUnrecordedProcesses(keeping groups: Set<Int32>) {
        let strays = ProcessControl.processes(withEnvironmentEntry: marker).filter { !groups.contains($0.group) }
        for stray in strays {
            logger.warning("killing unrecorded process \(stray.pid) (group \(stray.group))")
            ProcessControl.signalGroup(stray.group > 0 ? stray.group : stray.pid, SIGKILL)
            _ = kill(stray.pid, SIGKILL)
        }
        // Wait briefly for them to go, reaping any that were our own children.
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, strays.contains(where: { kill($0.pid, 0) == 0 && !isZombie($0.pid) }) {
            for stray in strays { _ = ProcessControl.reapIfExited(stray.pid) }
            usleep(10_000)
        }
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}
