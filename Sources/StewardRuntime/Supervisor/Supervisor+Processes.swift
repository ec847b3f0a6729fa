import Foundation
import Logging
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// Starts the process of a wanted instance, records it in `process.json` and sets its watch and probes.
    func startProcess(_ id: String) {
        guard var managed = instances[id] else { return }
        managed.token = nextToken()
        let token = managed.token
        let spec = managed.spec
        let port = managed.status.port
        let environment = InstanceEnvironment.build(for: spec, port: port, agentID: agentID)
        managed.environment = environment
        let arguments = spec.args.map { $0.replacingOccurrences(of: "${port}", with: String(port)) }
        do {
            let process = try ProcessControl.spawn(
                executable: spec.command, arguments: arguments, environment: environment,
                directory: spec.workingDirectory, logPath: files.logPath(id))
            let now = ContinuousClock.now
            managed.process = process
            managed.startedAt = now
            managed.status.state = .running
            managed.status.pid = process.pid
            managed.status.startedAt = Date()
            managed.status.ready = spec.readiness == nil
            managed.status.live = true
            managed.readySinceStart = spec.readiness == nil
            managed.status.message = "started pid \(process.pid) on port \(port)"
            managed.readiness = ProbeState()
            managed.liveness = ProbeState()
            try? files.writeProcess(
                .init(
                    pid: process.pid, startTicks: process.identity.startTicks, bootID: process.identity.bootID,
                    port: port, restarts: managed.status.restarts, startedAt: Date()), for: id)
            eventSink.yield(.watch(id: id, token: token, process: process))
            scheduleFirstProbes(of: spec, id: id, token: token, from: now)
            logger.info("started \(id) pid \(process.pid) port \(port)")
        } catch {
            // A missing executable counts as a failed start; the backoff and the failed-start
            // count tell the control plane the release cannot run.
            managed.status.state = .backoff
            managed.status.failedStarts += 1
            managed.status.message = "\(error)"
            eventSink.yield(.wake(id: id, token: token, at: .now + managed.backoff, reason: .restart))
            managed.backoff = min(managed.backoff * 2, spec.restart.maxBackoff.duration)
            logger.warning("\(id): \(error)")
        }
        instances[id] = managed
    }

    /// A timer is due: restart after backoff, or run a probe (the caller runs it off the actor).
    func wake(_ id: String, token: UInt64, reason: SupervisorEvent.WakeReason) async {
        switch reason {
        case .restart:
            guard let managed = instances[id], managed.token == token, !managed.stopping,
                managed.status.state == .backoff, wanted[id] != nil
            else { return }
            startProcess(id)
            bump()
        case .probe(let kind):
            guard let job = probeJob(id, token: token, kind: kind) else { return }
            let result = await prober.run(job.check, target: job.target, timeout: job.timeout)
            record(result, kind: kind, for: id, token: token)
        }
    }

    /// The process of `id` exited (its handle reaped it): restart it per policy unless it is being stopped.
    func processExited(_ id: String, token: UInt64) {
        guard var managed = instances[id], managed.token == token, let process = managed.process else { return }
        let code = process.exitCode
        if !process.isChild { killLeftovers(of: process) }
        managed.process = nil
        managed.status.pid = nil
        managed.status.ready = false
        managed.status.lastExitCode = code
        files.removeProcess(id)
        let exitText = code.map { "exited with status \($0)" } ?? "exited"
        guard !managed.stopping else {
            managed.status.message = "\(exitText) while stopping"
            instances[id] = managed
            bump()
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
        if restart {
            managed.status.state = .backoff
            managed.status.restarts += 1
            eventSink.yield(.wake(id: id, token: token, at: .now + managed.backoff, reason: .restart))
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

    /// Stops the instance's current process (SIGTERM, grace, SIGKILL) and forgets the instance.
    ///
    /// Runs in the instance's turn, so no start of the same id interleaves; it holds the process
    /// handle it began with, so the escalation reaches exactly that process and no later one.
    func stopNow(_ id: String) async {
        guard var managed = instances[id] else {
            files.removeProcess(id)
            if wanted[id] == nil { files.removeSpec(id) }
            return
        }
        managed.stopping = true
        managed.status.state = .stopping
        managed.status.ready = false
        managed.status.message = "stopping"
        instances[id] = managed
        bump()
        if let process = managed.process {
            process.signalGroup(SIGTERM)
            if await !process.waitForExit(timeout: managed.spec.stopGracePeriod.duration) {
                logger.warning("\(id) did not stop within \(managed.spec.stopGracePeriod); killing it")
                process.signalGroup(SIGKILL)
                if await !process.waitForExit(timeout: .seconds(30)) {
                    logger.error("\(id): pid \(process.pid) is still there 30 s after SIGKILL")
                }
            }
            if !process.isChild { killLeftovers(of: process) }
            // The group got its SIGKILL when the leader exited; answer once the rest has died too.
            if !(await ProcessControl.waitForGroupToEnd(process.pid, timeout: .seconds(5))) {
                logger.error("\(id): processes of group \(process.pid) remain after SIGKILL")
            }
        }
        instances[id] = nil
        files.removeProcess(id)
        if wanted[id] == nil { files.removeSpec(id) }
        logger.info("stopped \(id)")
        bump()
    }

    /// Kills what an adopted process left in its group: they carry the marker, and each is
    /// checked to be that same process before it is signalled.
    func killLeftovers(of process: ProcessHandle) {
        for found in ProcessControl.processes(withEnvironmentEntry: marker) where found.group == process.pid {
            ProcessControl.kill(found.identity, group: found.group, carrying: marker)
        }
    }
}
