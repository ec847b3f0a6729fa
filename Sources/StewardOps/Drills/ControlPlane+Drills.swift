import Foundation
import Logging
import StewardBackup
public import StewardCore

extension ControlPlane {
    /// Starts a disaster-recovery drill of an environment: restore its newest backups into a fresh
    /// cluster, start its services beside the real ones against it, check them, measure RTO and
    /// RPO against the stack's `recovery:`, and tear it all down (``executeDrill(_:)``).
    ///
    /// Everything that can be checked is checked before anything is recorded: the environment
    /// exists, no other drill of it runs, every postgres dependency has a backup taken in it, and
    /// every service's instance spec resolves. Then `drill.started` (naming the backups, the
    /// cluster's directory and the drill instances) is written before anything is created.
    /// - Returns: the drill's report as it starts (state `running`); follow it with ``drill(id:)``.
    /// - Throws: ``ControlPlaneError`` and records nothing when the drill cannot start.
    public func startDrill(environment: String, actor: String) async throws -> DrillReport {
        guard drillDirectory != nil else { throw ControlPlaneError.invalid("this control plane keeps no drill reports") }
        guard let stack = state.stack, let planner else { throw ControlPlaneError.invalid("no stack is loaded") }
        guard stack.environment(named: environment) != nil else {
            throw ControlPlaneError.notFound(
                "unknown environment '\(environment)'; the stack has: \(stack.environments.map(\.name).joined(separator: ", "))")
        }
        try refuseWhileDrilling(environment)
        let restores = try await drillRestores(stack: stack, environment: environment)
        let described = try await drillBackupsDescribed(restores)
        // Checked again after the awaits above: another request may have started one meanwhile.
        try refuseWhileDrilling(environment)
        let id = DrillID.new(at: Date())
        var services = [DrillJob.Service]()
        var readiness = TimeSpan.minutes(5)
        for service in stack.services {
            guard let release = state.currentRelease(for: ServiceEnvironment(service: service.name, environment: environment)),
                !release.instanceIDs.isEmpty
            else { continue }
            let instances = release.instanceIDs.indices.map { DrillID.instanceID(drill: id, service: service.name, index: $0) }
            // Checked now with a stand-in database, so a secret that is not set fails the request, not the drill.
            let placeholder = Self.drillRelease(release, urls: Dictionary(uniqueKeysWithValues: restores.map {
                ($0.dependency, "postgres://postgres@127.0.0.1:1/\($0.database)")
            }))
            do {
                _ = try planner.instanceSpec(instances[0], of: placeholder)
            } catch {
                throw ControlPlaneError.invalid("cannot prepare \(service.name) for the drill: \(error)")
            }
            readiness = max(readiness, release.spec.deploy.readinessTimeout)
            services.append(DrillJob.Service(release: release, instances: instances))
        }
        let job = DrillJob(
            id: id, environment: environment, restores: restores, services: services,
            clusterDirectory: ScratchCluster.directory(forDrill: id), readinessTimeout: readiness, actor: actor)
        var started = DrillEvent(.started, drill: id, environment: environment)
        started.backups = Dictionary(uniqueKeysWithValues: restores.map { ($0.dependency, $0.backup) })
        started.cluster = job.clusterDirectory
        started.instances = job.instances
        // Durable before any effect: a control plane that dies mid-drill removes these on restart.
        try record([.drill(started)], actor: actor)
        var report = DrillReport(
            id: id, environment: environment, startedBy: actor, startedAt: Date(), objectives: stack.recovery,
            services: services.map {
                DrillReport.StartedService(
                    service: $0.release.service, version: $0.release.version, instances: $0.instances,
                    smokeCommands: $0.release.spec.deploy.smoke.count)
            })
        report.backups = described
        drills[id] = report
        drillInstances.formUnion(job.instances)
        logger.info("drill \(id) of \(environment) started by \(actor)")
        jobSink.yield(.drill(job))
        return report
    }

    /// A drill as it stands (running or finished, while this control plane runs).
    /// - Throws: ``ControlPlaneError/notFound(_:)`` for a drill this process does not know.
    public func drill(id: String) throws -> DrillReport {
        guard let report = drills[id] else {
            throw ControlPlaneError.notFound(
                "no drill \(id) in this control plane's memory (after a restart, the drill.* events and DATA/drills/ID.md remain)")
        }
        return report
    }

    private func refuseWhileDrilling(_ environment: String) throws {
        if let running = drills.values.first(where: { $0.environment == environment && $0.state == .running }) {
            throw ControlPlaneError.conflict("drill \(running.id) of \(environment) is still running")
        }
    }

    /// True for a drill this process started (its own, not one a previous process left).
    func knowsDrill(_ id: String) -> Bool { drills[id] != nil }

    /// The environment of a drill (for permissions), nil when unknown.
    public func drillEnvironment(id: String) -> String? { drills[id]?.environment }

    // MARK: Choosing what to restore

    /// For every postgres dependency of the stack: its newest backup taken in `environment`,
    /// the newest verified one when there is one.
    private func drillRestores(stack: StackSpec, environment: String) async throws -> [DrillJob.Restore] {
        var restores = [DrillJob.Restore]()
        let storages = try backupStorages(environment: environment)
        for dependency in stack.dependencies where dependency.kind == .postgres {
            var candidates = [(manifest: BackupManifest, storage: any BackupStorage, verified: Bool)]()
            for storage in storages {
                do {
                    for manifest in try await storage.manifests()
                    where manifest.environment == environment && manifest.dependency == dependency.name {
                        let verified = await storage.verification(manifest.id)?.passed ?? false
                        candidates.append((manifest, storage, verified))
                    }
                } catch {
                    throw ControlPlaneError.invalid("the backup store \(storage.location) cannot be read: \(error)")
                }
            }
            // Ids sort by time; a verified backup wins over a newer unverified one.
            let newest = candidates.sorted { ($0.verified ? 1 : 0, $0.manifest.id) > ($1.verified ? 1 : 0, $1.manifest.id) }.first
            guard let chosen = newest else {
                throw ControlPlaneError.invalid(
                    "no backup of \(dependency.name) taken in \(environment) to restore; take one first: "
                        + "steward backup create \(dependency.name) --env \(environment)")
            }
            restores.append(
                DrillJob.Restore(
                    dependency: dependency.name, backup: chosen.manifest.id, database: chosen.manifest.database,
                    storage: chosen.storage,
                    integrityQueries: stack.backups.first { $0.dependency == dependency.name }?.integrityQueries ?? []))
        }
        return restores
    }

    private func drillBackupsDescribed(_ restores: [DrillJob.Restore]) async throws -> [DrillReport.RestoredBackup] {
        var described = [DrillReport.RestoredBackup]()
        for restore in restores {
            guard let manifest = try? await restore.storage.manifest(restore.backup) else { continue }
            let verified = await restore.storage.verification(restore.backup)?.passed ?? false
            described.append(
                DrillReport.RestoredBackup(
                    dependency: restore.dependency, backup: restore.backup, database: restore.database,
                    snapshotAt: manifest.createdAt, verified: verified))
        }
        return described
    }

    /// `release` with its dependency URLs pointing at the drill's databases: its instances never reach the real ones.
    static func drillRelease(_ release: Release, urls: [String: String]) -> Release {
        var copy = release
        for (dependency, url) in urls { copy.dependencyURLs[dependency] = url }
        return copy
    }
}
