import Logging
import Foundation
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// Starts the process of a wanted instance and records it in `process.json`.
    func startProcess(_ id: String) {
        guard var managed = instances[id] else { return }
        let spec = managed.spec
        let port = managed.status.port
        let portText = String(port)
        var environment = inheritedEnvironment()
        for (key, value) in spec.env { environment[key] = value.replacingOccurrences(of: "${port}", with: portText) }
        environment["PORT"] = environment["PORT"] ?? portText
        environment["STEWARD_INSTANCE_ID"] = spec.id
        environment["STEWARD_SERVICE"] = spec.service
        environment["STEWARD_ENVIRONMENT"] = spec.environment
        environment["STEWARD_VERSION"] = spec.version
        environment["STEWARD_AGENT_ID"] = agentID
        let arguments = spec.args.map { $0.replacingOccurrences(of: "${port}", with: portText) }
        do {
            let started = try ProcessControl.spawn(
                executable: spec.command, arguments: arguments, environment: environment,
                directory: spec.workingDirectory, logPath: files.logPath(id))
            managed.process = started
            managed.status.state = .running
            managed.status.pid = started.pid
            managed.status.startedAt = Date()
            managed.status.ready = spec.readiness == nil
            managed.readySinceStart = spec.readiness == nil
            managed.status.message = "started pid \(started.pid) on port \(port)"
            managed.readiness = ProbeState()
            managed.liveness = ProbeState()
            let now = ContinuousClock.now
            managed.nextReadinessProbe = now + (spec.readiness?.initialDelay.duration ?? .zero)
            managed.nextLivenessProbe = now + (spec.liveness?.initialDelay.duration ?? .zero)
            try? files.writeProcess(
                .init(
                    pid: started.pid, startTicks: started.startTicks, port: port, restarts: managed.status.restarts,
                    startedAt: Date()), for: id)
            logger.info("started \(id) pid \(started.pid) port \(port)")
        } catch {
            // A missing executable counts as a failed start; the backoff and the failed-start
            // count tell the control plane the release cannot run.
            managed.status.state = .backoff
            managed.status.failedStarts += 1
            managed.status.message = "\(error)"
            managed.nextStart = .now + managed.backoff
            managed.backoff = min(managed.backoff * 2, spec.restart.maxBackoff.duration)
            logger.warning("\(id): \(error)")
        }
        instances[id] = managed
    }

    /// One pass of supervision: notice exits, restart after backoff, escalate stops, rotate logs,
    /// and hand back the probes that are due.
    func tick() -> [ProbeJob] {
        ticks &+= 1
        let now = ContinuousClock.now
        var jobs: [ProbeJob] = []
        for id in instances.keys.sorted() {
            guard var managed = instances[id] else { continue }
            if let process = managed.process {
                if let code = exitCode(of: process) {
                    handleExit(id, code: code)
                    continue
                }
                if let deadline = managed.killDeadline, now >= deadline {
                    ProcessControl.signalGroup(process.pid, SIGKILL)
                }
            } else if managed.killDeadline != nil {
                finishStop(id)
                continue
            } else if managed.status.state == .backoff, now >= managed.nextStart {
                startProcess(id)
                bump()
                continue
            }
            jobs += dueProbes(&managed, now: now)
            instances[id] = managed
        }
        if ticks % 200 == 0 { rotateLogs() }
        return jobs
    }

    /// The exit code when the process ended, reaping it when it is our child.
    private func exitCode(of process: ProcessControl.Started) -> Int? {
        if let code = ProcessControl.reapIfExited(process.pid) { return code }
        // Adopted processes are not our children; /proc tells whether they still run.
        return ProcessControl.isRunning(process) ? nil : -1
    }

    private func handleExit(_ id: String, code: Int) {
        guard var managed = instances[id], let process = managed.process else { return }
        // Whatever the instance started goes with it.
        ProcessControl.signalGroup(process.pid, SIGKILL)
        managed.process = nil
        managed.status.pid = nil
        managed.status.ready = false
        managed.status.lastExitCode = code >= 0 ? code : nil
        files.removeProcess(id)
        if managed.killDeadline != nil {
            instances[id] = managed
            finishStop(id)
            return
        }
        // An exit before readiness, or within seconds of starting, means this release cannot run.
        let ranBriefly = managed.status.startedAt.map { Date().timeIntervalSince($0) < 10 } ?? true
        if !managed.readySinceStart || ranBriefly { managed.status.failedStarts += 1 }
        // A start that never got ready may have lost its port to another process (a free port is
        // only free until someone binds it): try the next start on a fresh one.
        if !managed.readySinceStart, managed.spec.port == nil { managed.status.port = allocatePort() }
        let restart: Bool
        switch managed.spec.restart.mode {
        case .always: restart = true
        case .onFailure: restart = code != 0
        case .never: restart = false
        }
        let exitText = code >= 0 ? "exited with status \(code)" : "exited"
        if restart {
            managed.status.state = .backoff
            managed.status.restarts += 1
            managed.nextStart = .now + managed.backoff
            managed.status.message = "\(exitText); restarting in \(managed.backoff)"
            managed.backoff = min(managed.backoff * 2, managed.spec.restart.maxBackoff.duration)
        } else {
            managed.status.state = .exited
            managed.status.message = exitText
        }
        logger.warning("\(id) \(exitText)")
        instances[id] = managed
        bump()
    }

    /// Forgets a stopped instance.
    func finishStop(_ id: String) {
        guard let managed = instances.removeValue(forKey: id) else { return }
        if let process = managed.process { ProcessControl.signalGroup(process.pid, SIGKILL) }
        files.removeProcess(id)
        files.removeSpec(id)
        logger.info("stopped \(id)")
        bump()
    }

    private func inheritedEnvironment() -> [String: String] {
        let current = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "TMPDIR"] {
            if let value = current[key] { environment[key] = value }
        }
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return environment
    }

    /// Copy-and-truncate rotation: the instance keeps appending to the same descriptor, which
    /// survives the agent; a few bytes written between copy and truncate can be lost.
    private func rotateLogs() {
        for managed in instances.values {
            let id = managed.spec.id
            let path = files.logPath(id)
            let policy = managed.spec.logs
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? Int, size > policy.maxBytes
            else { continue }
            let fileManager = FileManager.default
            if policy.keepFiles > 0 {
                try? fileManager.removeItem(atPath: "\(path).\(policy.keepFiles)")
                for index in stride(from: policy.keepFiles - 1, through: 1, by: -1) {
                    try? fileManager.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
                }
                try? fileManager.copyItem(atPath: path, toPath: "\(path).1")
            }
            truncate(path, 0)
        }
    }
}
