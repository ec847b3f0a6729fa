import Logging
import Foundation
import StewardBackup
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// Runs the control plane's loops until cancelled: the agent watch, the dependency
    /// monitor, the scheduler and the jobs that carry out effects.
    public func run() async {
        resumeRunbooks()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watchAgent() }
            group.addTask { await self.monitorDependencies() }
            group.addTask { await self.pushTraffic() }
            group.addTask { await self.analyzeRollouts() }
            group.addTask { await self.runSchedules() }
            group.addTask { await self.cleanUpInterruptedDrills() }
            group.addTask { await self.cleanUpInterruptedBackups() }
            group.addTask { await self.cleanUpInterruptedRuns() }
            for await job in jobs {
                group.addTask { await self.execute(job) }
            }
            group.cancelAll()
        }
    }

    /// Ends ``run()``.
    public nonisolated func shutdown() {
        jobSink.finish()
        trafficSink.finish()
    }

    nonisolated func execute(_ job: Job) async {
        switch job {
        case .deploymentEffect(let id, .startInstances(let instances, let release)):
            await withDiscardingTaskGroup { group in
                for instance in instances {
                    group.addTask { await self.start(instance, release: release, deployment: id) }
                }
            }
        case .deploymentEffect(let id, .stopInstances(let instances)):
            // Out of the proxy's table first, so no new request reaches an instance that is stopping.
            await drain(instances)
            await withDiscardingTaskGroup { group in
                for instance in instances {
                    group.addTask {
                        // Record only a stop the agent confirmed; a cancelled one resumes after a restart.
                        guard await self.stopRetrying(instance) else { return }
                        await self.handle(id, .instanceStopped(instance, at: Date()))
                    }
                }
            }
        case .deploymentEffect(let id, .scheduleDeadline(let deadline)):
            let delay = deadline.timeIntervalSinceNow
            if delay > 0 { try? await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            guard !Task.isCancelled else { return }
            await handle(id, .deadlinePassed(at: max(Date(), deadline)))
        case .deploymentEffect(let id, .scheduleWake(let time)):
            let delay = time.timeIntervalSinceNow
            if delay > 0 { try? await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
            guard !Task.isCancelled else { return }
            await handle(id, .wake(at: max(Date(), time)))
        case .deploymentEffect(let id, .runSmoke):
            await runSmoke(deployment: id)
        case .deploymentEffect(let id, .runChecklist):
            await runChecklist(deployment: id)
        case .deploymentEffect(_, .finished):
            break
        case .startMissing(let instance, let release):
            await start(instance, release: release, deployment: nil)
            await jobFinished("start:\(instance)")
        case .stopUnwanted(let instance):
            await drain([instance])
            if await stopRetrying(instance) { await record(stopped: instance) }
            await jobFinished("stop:\(instance)")
        case .runbookStep(let run, let step, let resolved):
            await executeRunbookStep(run: run, step: step, resolved)
        case .backup(let job):
            await executeBackup(job)
        case .migration(let job):
            await executeMigration(job)
        case .marker(let id):
            await deliverMarker(of: id)
        case .drill(let job):
            await executeDrill(job)
        case .mirror(let job):
            await executeMirror(job)
        }
    }

    private func record(stopped instance: String) {
        try? record([.instanceObserved(.init(instanceID: instance, change: .stopped, message: "stopped: no release wants it"))])
    }

    /// Starts one instance, retrying while the agent is unreachable; an unresolvable spec
    /// or a refused start fails the deployment's instance.
    nonisolated func start(_ instance: String, release number: Int, deployment: Int?) async {
        var delay = Duration.milliseconds(200)
        for attempt in 1...20 {
            guard !Task.isCancelled else { return }
            let spec: InstanceSpec
            do {
                spec = try await instanceSpec(instance, release: number)
            } catch {
                if let deployment { await handle(deployment, .instanceFailed(instance, reason: "\(error)", at: Date())) }
                return
            }
            do {
                try await agent.ensureRunning(spec)
                return
            } catch let failure as AgentClient.Failure where failure.status != nil {
                if let deployment { await handle(deployment, .instanceFailed(instance, reason: failure.description, at: Date())) }
                return
            } catch {
                logger.warning("start \(instance) attempt \(attempt): \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        if let deployment {
            await handle(deployment, .instanceFailed(instance, reason: "the agent did not accept the start", at: Date()))
        }
    }

    /// Stops one instance; a stop must happen, so it retries until the agent confirms.
    ///
    /// - Returns: true when the agent confirmed the stop, false when cancelled first (shutdown).
    nonisolated func stopRetrying(_ instance: String) async -> Bool {
        var delay = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await agent.stop(instance)
                return true
            } catch {
                logger.warning("stop \(instance): \(error)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        return false
    }

    func instanceSpec(_ instance: String, release number: Int) throws -> InstanceSpec {
        guard let planner, let release = state.releases[number] else {
            throw ControlPlaneError.notFound("release \(number) is unknown")
        }
        return try planner.instanceSpec(instance, of: release)
    }

    /// Follows the agent with long polls; every answer is observed at once.
    nonisolated func watchAgent() async {
        var generation: UInt64?
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let snapshot = try await agent.snapshot(after: generation, wait: .seconds(10))
                generation = snapshot.generation
                delay = .milliseconds(100)
                await observe(snapshot)
            } catch {
                if Task.isCancelled { return }
                generation = nil
                await agentLost()
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// Probes each dependency every few seconds and records changes.
    nonisolated func monitorDependencies() async {
        while !Task.isCancelled {
            for (dependency, check, target) in await dependencyChecks() {
                let result = await prober.run(check, target: target, timeout: .seconds(2))
                await noteDependency(dependency, result: result)
            }
            try? await Task.sleep(for: .seconds(5))
        }
    }

    private func dependencyChecks() -> [(String, ProbeSpec.Check, ProbeTarget)] {
        guard let stack = state.stack else { return [] }
        return stack.dependencies.compactMap { dependency in dependencyCheck(dependency).map { (dependency.name, $0.check, $0.target) } }
    }

    /// How to reach a dependency: a PostgreSQL or Redis handshake, or a TCP connect for HTTP and S3.
    func dependencyCheck(_ dependency: DependencySpec) -> (check: ProbeSpec.Check, target: ProbeTarget)? {
        guard let planner, let url = try? planner.resolveDependencyURL(dependency) else { return nil }
        switch dependency.kind {
        case .postgres: return (.postgres(url: url), ProbeTarget())
        case .redis: return (.redis(url: url), ProbeTarget())
        case .s3:
            // The secret in an s3 URL is written as it is (AWS secrets hold '/' and '+'): parse it as S3 does.
            guard let connection = try? S3Connection.parse(dependencyURL: url, fallback: S3Credentials(accessKeyID: "-", secretAccessKey: "-")).connection
            else { return nil }
            let port = connection.port ?? (connection.scheme == "https" ? 443 : 80)
            return (.tcp(port: port), ProbeTarget(host: connection.host, port: port))
        case .http:
            guard let components = URLComponents(string: url), let host = components.host else { return nil }
            let port = components.port ?? (components.scheme == "https" ? 443 : 80)
            return (.tcp(port: port), ProbeTarget(host: host, port: port))
        }
    }

    private func noteDependency(_ name: String, result: ProbeResult) {
        let last = state.dependencies[name]
        guard last?.up != result.ok else { return }
        try? record([.dependencyObserved(.init(name: name, up: result.ok, message: result.ok ? "reachable" : result.message))])
    }
}
