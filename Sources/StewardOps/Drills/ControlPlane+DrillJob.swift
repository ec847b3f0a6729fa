import Foundation
import Logging
import StewardBackup
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// A stage of a drill that failed: where, and why (already masked).
    struct DrillFailure: Error {
        var message: String
    }

    /// Carries out a drill: scratch cluster, restores, drill instances, readiness, smoke tests,
    /// then the teardown, always, whatever happened before it. Every stage is timed in the
    /// drill's report; the outcome is recorded (`drill.completed` or `drill.failed`) after the
    /// teardown, with the Markdown report written first.
    nonisolated func executeDrill(_ job: DrillJob) async {
        var mask = SecretMask()
        var cluster: ScratchCluster?
        var failure: String?
        do {
            await drillStage(job.id, "create the scratch cluster")
            let created = try await ScratchCluster.create(at: job.clusterDirectory)
            cluster = created
            mask.hide(created.secret)
            await drillStageEnded(job.id, passed: true, detail: "PostgreSQL on 127.0.0.1:\(created.port) in \(created.directory)")
            for restore in job.restores {
                await drillStage(job.id, "restore \(restore.dependency)")
                mask.hideCredentials(of: restore.storage)
                let engine = BackupEngine(store: restore.storage, logger: logger)
                let outcome = try await engine.restore(
                    restore.backup, into: created.url(database: restore.database),
                    options: RestoreOptions(force: false, integrityQueries: restore.integrityQueries))
                let checks = outcome.verification.checks.count
                await drillStageEnded(
                    job.id, passed: true,
                    detail: "backup \(restore.backup) into database \(restore.database) (\(checks) checks passed)")
            }
            let urls = Dictionary(uniqueKeysWithValues: job.restores.map { ($0.dependency, created.url(database: $0.database)) })
            if !job.services.isEmpty {
                await drillStage(job.id, "start \(job.instances.count) drill instance(s)")
                let specs = try await drillInstanceSpecs(job, urls: urls)
                for spec in specs { try await startDrillInstance(spec) }
                await drillStageEnded(job.id, passed: true, detail: job.instances.joined(separator: ", "))
                await drillStage(job.id, "wait for readiness")
                try await waitForDrillReadiness(job)
                await drillStageEnded(job.id, passed: true, detail: "every drill instance passed its readiness probe")
                if job.services.contains(where: { !$0.release.spec.deploy.smoke.isEmpty }) {
                    await drillStage(job.id, "smoke tests")
                    try await runDrillSmoke(job, mask: mask)
                    await drillStageEnded(job.id, passed: true, detail: "every smoke command passed")
                }
            }
            await drillHealthy(job.id, at: Date())
        } catch let error as DrillFailure {
            failure = mask.apply(error.message)
        } catch {
            failure = mask.apply("\(error)")
        }
        if let failure { await drillStageEnded(job.id, passed: false, detail: failure) }
        // Always: nothing of the drill outlives it.
        await drillStage(job.id, "tear down")
        var teardown = await stopDrillInstances(job.instances)
        if let cluster {
            teardown += await cluster.stop()
        } else {
            teardown += await ScratchCluster.remove(directory: job.clusterDirectory)
        }
        await drillStageEnded(job.id, passed: true, detail: nil)
        await finishDrill(job, teardown: teardown, failure: failure)
    }

    /// The drill instances' specs: the serving release's, with the restored databases' URLs.
    private func drillInstanceSpecs(_ job: DrillJob, urls: [String: String]) throws -> [InstanceSpec] {
        guard let planner else { throw DrillFailure(message: "no stack is loaded") }
        var specs = [InstanceSpec]()
        for service in job.services {
            let release = Self.drillRelease(service.release, urls: urls)
            for instance in service.instances {
                do {
                    var spec = try planner.instanceSpec(instance, of: release)
                    spec.port = nil  // a free port: never the stable port of the real service
                    spec.env["STEWARD_DRILL"] = job.id
                    specs.append(spec)
                } catch {
                    throw DrillFailure(message: "cannot prepare \(instance): \(error)")
                }
            }
        }
        return specs
    }

    /// Asks the agent to start one drill instance, retrying a few times while it is unreachable.
    private nonisolated func startDrillInstance(_ spec: InstanceSpec) async throws {
        var delay = Duration.milliseconds(200)
        for attempt in 1...5 {
            do {
                try await agent.ensureRunning(spec)
                return
            } catch let failure as AgentClient.Failure where failure.status != nil || attempt == 5 {
                throw DrillFailure(message: "the agent did not start \(spec.id): \(failure)")
            } catch {
                try await Task.sleep(for: delay)
                delay = delay * 2
            }
        }
        throw DrillFailure(message: "the agent did not start \(spec.id)")
    }

    /// Waits, on the agent's snapshots, until every drill instance is ready; fails on one that
    /// exits for good or keeps failing to start, and at the readiness timeout.
    private nonisolated func waitForDrillReadiness(_ job: DrillJob) async throws {
        let deadline = ContinuousClock.now + job.readinessTimeout.duration
        let wanted = Set(job.instances)
        while true {
            let snapshot = await agentSnapshot
            let statuses = snapshot?.instances.filter { wanted.contains($0.id) } ?? []
            await noteDrillPorts(job.id, Dictionary(statuses.map { ($0.id, $0.port) }, uniquingKeysWith: { first, _ in first }))
            if statuses.count == wanted.count, statuses.allSatisfy(\.ready) { return }
            if let broken = statuses.first(where: { $0.state == .exited || $0.failedStarts >= Self.failedStartsBeforeGivingUp }) {
                throw DrillFailure(message: "drill instance \(broken.id) did not start: \(broken.message)")
            }
            guard ContinuousClock.now < deadline else {
                let waiting = wanted.subtracting(statuses.filter(\.ready).map(\.id)).sorted()
                throw DrillFailure(
                    message: "not ready within \(job.readinessTimeout): \(waiting.joined(separator: ", "))")
            }
            // The watcher keeps the snapshot fresh (long polls); this only re-reads it.
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Runs each service's smoke commands against its drill instances (`$STEWARD_URL`,
    /// `$STEWARD_INSTANCE_URLS`), each with `deploy.healthCheckRetries` attempts a second apart.
    private nonisolated func runDrillSmoke(_ job: DrillJob, mask: SecretMask) async throws {
        let snapshot = await agentSnapshot
        let ports = snapshot?.instances.reduce(into: [String: Int]()) { $0[$1.id] = $1.port } ?? [:]
        for service in job.services {
            let policy = service.release.spec.deploy
            guard !policy.smoke.isEmpty else { continue }
            let urls = service.instances.compactMap { ports[$0] }.map { "http://\(TrafficPlan.upstreamHost):\($0)" }
            let environment = [
                "STEWARD_SERVICE": service.release.service, "STEWARD_ENVIRONMENT": job.environment,
                "STEWARD_VERSION": service.release.version, "STEWARD_DRILL": job.id,
                "STEWARD_URL": urls.first ?? "", "STEWARD_INSTANCE_URLS": urls.joined(separator: " "),
            ]
            for command in policy.smoke {
                var last = RunbookStepResult.failure("not run")
                let attempts = max(1, policy.healthCheckRetries)
                for attempt in 1...attempts {
                    last = await runbookRunner.command(
                        command, environment: environment, workingDirectory: baseDirectory, timeout: .seconds(60))
                    if last.succeeded { break }
                    if attempt < attempts { try await Task.sleep(for: .seconds(1)) }
                }
                guard last.succeeded else {
                    await noteDrillSmoke(job.id, service: service.release.service, passed: false)
                    let output = last.output.split(separator: "\n").suffix(3).joined(separator: " | ")
                    throw DrillFailure(
                        message: mask.apply(
                            "smoke test of \(service.release.service) failed: \(command.joined(separator: " ")): "
                                + "\(last.error ?? "failed") after \(attempts) attempt(s)" + (output.isEmpty ? "" : "; output: \(output)")))
                }
            }
            await noteDrillSmoke(job.id, service: service.release.service, passed: true)
        }
    }

    /// Stops every drill instance (each confirmed by the agent, a few tries each).
    /// - Returns: one line per instance for the report.
    private nonisolated func stopDrillInstances(_ instances: [String]) async -> [String] {
        var lines = [String]()
        for instance in instances {
            var stopped = false
            var delay = Duration.milliseconds(200)
            for _ in 1...8 where !stopped {
                do {
                    try await agent.stop(instance)
                    stopped = true
                } catch {
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                }
            }
            lines.append(stopped ? "drill instance \(instance) stopped" : "drill instance \(instance) NOT confirmed stopped")
            // Confirmed or not, it leaves the drill: the reconciler stops any leftover as unwanted.
            await releaseDrillInstance(instance)
        }
        return lines
    }
}
