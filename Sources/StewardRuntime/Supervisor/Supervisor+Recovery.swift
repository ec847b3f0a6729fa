import Foundation
import Logging
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
    /// - A wanted instance (`spec.json`) whose recorded process is provably still that process
    ///   (same boot, same start time, this agent's marker and the instance id in its
    ///   environment) is adopted.
    /// - A wanted instance whose process is gone is started again. A recorded pid that now
    ///   names another process is neither adopted nor signalled.
    /// - A provably recorded process that is no longer wanted (a stop was cut short) is killed.
    /// - Any other process carrying this agent's marker (started, but killed before it was
    ///   recorded) is killed with its group.
    func recover() {
        // Instances this supervisor already runs (started before the loop began) are its own.
        var adoptedGroups = Set(instances.values.compactMap { $0.process?.pid })
        for id in files.allIDs() where instances[id] == nil {
            restrictPermissions(of: id)
            let record = files.readProcess(id)
            let environmentEntries = [marker, "STEWARD_INSTANCE_ID=\(id)"]
            let process = record.flatMap { ProcessHandle.adopt($0.identity, environmentEntries: environmentEntries) }
            if let record, process == nil {
                logger.info("\(id): recorded pid \(record.pid) is not its process any more; leaving that pid alone")
            }
            guard let spec = files.readSpec(id) else {
                process?.signalGroup(SIGKILL)
                files.removeProcess(id)
                continue
            }
            try? files.writeSpec(spec)  // re-seals a spec written in clear by an older agent
            wanted[id] = spec
            let token = nextToken()
            guard let process, let record else {
                files.removeProcess(id)
                instances[id] = ManagedInstance(spec: spec, port: spec.port ?? record?.port ?? allocatePort(), token: token)
                continue
            }
            var managed = ManagedInstance(spec: spec, port: record.port, token: token)
            managed.process = process
            managed.environment = InstanceEnvironment.build(for: spec, port: record.port, agentID: agentID)
            managed.status.state = .running
            managed.status.pid = process.pid
            managed.status.restarts = record.restarts
            managed.status.startedAt = record.startedAt
            managed.status.adopted = true
            managed.status.message = "adopted pid \(process.pid)"
            // Readiness is re-established by probing; until then it counts as not ready.
            managed.status.ready = spec.readiness == nil
            managed.readySinceStart = spec.readiness == nil
            instances[id] = managed
            adoptedGroups.insert(process.pid)
            eventSink.yield(.watch(id: id, token: token, process: process))
            scheduleFirstProbes(of: spec, id: id, token: token, from: .now)
            logger.info("adopted \(id) pid \(process.pid)")
        }
        killUnrecordedProcesses(keeping: adoptedGroups)
        for (id, managed) in instances where managed.process == nil { startProcess(id) }
        bump()
    }

    /// Kills every process with this agent's marker outside the adopted process groups.
    private func killUnrecordedProcesses(keeping groups: Set<Int32>) {
        let strays = ProcessControl.processes(withEnvironmentEntry: marker).filter { !groups.contains($0.group) }
        for stray in strays {
            logger.warning("killing unrecorded process \(stray.identity.pid) (group \(stray.group))")
            ProcessControl.kill(stray.identity, group: stray.group, carrying: marker)
        }
        // Give them a moment to go (once, at start-up); a zombie counts as gone.
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline, strays.contains(where: { $0.identity.isRunning() }) {
            usleep(10_000)
        }
    }

    /// Files written by an older agent may be world-readable: make them the owner's only.
    private func restrictPermissions(of id: String) {
        let directory = files.directory(id)
        chmod(directory, 0o700)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            chmod("\(directory)/\(name)", 0o600)
        }
    }
}
