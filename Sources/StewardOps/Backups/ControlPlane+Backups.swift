import Foundation
public import StewardBackup
import StewardCore

extension ControlPlane {
    /// Starts a backup of a PostgreSQL dependency as it is resolved for `environment`.
    ///
    /// Checks everything first (the dependency is a postgres one, its URL resolves with that
    /// environment's secrets, no backup of it is running), records `backup.started`, and hands
    /// the dump to a job; the answer names the backup to follow (``backup(id:)``). When the
    /// stack's `backups:` entry says `verify: true` (the default) the job verifies it right after.
    /// - Throws: ``ControlPlaneError`` and records nothing when the backup cannot start.
    public func createBackup(
        dependency: String, environment: String, deployment: String? = nil, actor: String
    ) throws -> BackupOperation {
        let url = try resolvedBackupURL(dependency: dependency, environment: environment)
        let storage = try backupStorage(dependency: dependency, environment: environment)
        let spec = state.stack?.backups.first { $0.dependency == dependency }
        let operation = try beginBackup(dependency: dependency, environment: environment, deployment: deployment, actor: actor)
        let id = operation.backup
        jobSink.yield(
            .backup(
                .create(
                    store: storage, id: id, url: url, environment: environment, dependency: dependency, verify: spec?.verify ?? false,
                    integrityQueries: spec?.integrityQueries ?? [], actor: actor)))
        return operation
    }

    /// Records `backup.started` for a new backup and registers its operation; the caller runs the job.
    ///
    /// - Parameters:
    ///   - id: The backup's id (a new one by default).
    ///   - recordedFirst: Events appended in the same write, before `backup.started` (a schedule's fire).
    /// - Throws: ``ControlPlaneError/conflict(_:)`` while a backup of the dependency runs there.
    func beginBackup(
        dependency: String, environment: String, deployment: String?, actor: String, id: String? = nil,
        recordedFirst: [StewardEvent] = []
    ) throws -> BackupOperation {
        // Refuses a control plane without backups, or a destination that cannot be resolved, before anything is recorded.
        _ = try backupStorage(dependency: dependency, environment: environment)
        if let running = backupOperations.values.first(where: {
            $0.state == .running && $0.kind == .create && $0.environment == environment && $0.dependency == dependency
        }) {
            throw ControlPlaneError.conflict("backup \(running.backup) of \(dependency) in \(environment) is still running")
        }
        let id = id ?? BackupManifest.newID(at: Date())
        var started = BackupEvent(.started, backup: id, environment: environment, dependency: dependency)
        started.deployment = deployment
        try record(recordedFirst + [.backup(started)], actor: actor)
        let operation = BackupOperation(
            kind: .create, backup: id, environment: environment, dependency: dependency, startedBy: actor,
            startedAt: Date())
        backupOperations[id] = operation
        return operation
    }

    /// Starts a verification of a stored backup: restore into a scratch database and check it.
    /// - Throws: ``ControlPlaneError/notFound(_:)`` for an unknown backup, ``ControlPlaneError/conflict(_:)``
    ///   while another operation runs on it.
    public func verifyBackup(id: String, actor: String) async throws -> BackupOperation {
        let (manifest, storage) = try await storedManifest(id)
        try refuseWhileBusy(id)
        let url = try resolvedBackupURL(dependency: manifest.dependency, environment: manifest.environment)
        let spec = state.stack?.backups.first { $0.dependency == manifest.dependency }
        let operation = BackupOperation(
            kind: .verify, backup: id, environment: manifest.environment, dependency: manifest.dependency,
            startedBy: actor, startedAt: Date())
        backupOperations[id] = operation
        jobSink.yield(.backup(.verify(store: storage, id: id, url: url, integrityQueries: spec?.integrityQueries ?? [], actor: actor)))
        return operation
    }

    /// Starts a restore of a stored backup into its dependency's database (or `database` on the same server).
    ///
    /// The guides' order, with the engine's safety: the copy is restored and checked beside the
    /// target; only then are the services of the environment whose env uses the dependency stopped
    /// (`service.stopped`), the names swapped, and those services started again whatever happened.
    /// A target that holds tables is refused unless `force` (by the engine, before anything stops).
    /// - Throws: ``ControlPlaneError`` and records nothing when the restore cannot start.
    public func restoreBackup(id: String, into database: String? = nil, force: Bool, actor: String) async throws
        -> BackupOperation
    {
        let (manifest, storage) = try await storedManifest(id)
        try refuseWhileBusy(id)
        let url = try resolvedBackupURL(dependency: manifest.dependency, environment: manifest.environment)
        let targetURL: String
        let target: String
        do {
            var server = try PostgresTarget(url: url)
            if let database {
                guard Self.isPlainDatabaseName(database) else {
                    throw ControlPlaneError.invalid(
                        "database name '\(database)' must be 1-63 letters, digits or _ and start with a letter or _")
                }
                server = server.with(database: database)
            }
            target = server.database
            targetURL = Self.url(of: server)
        } catch let error as BackupError {
            throw ControlPlaneError.invalid("the URL of \(manifest.dependency) in \(manifest.environment): \(error.message)")
        }
        let spec = state.stack?.backups.first { $0.dependency == manifest.dependency }
        // A restore under another name replaces nothing the services use: they keep running.
        let services = database == nil ? servicesUsing(manifest.dependency, in: manifest.environment) : []
        var started = BackupEvent(
            .restoreStarted, backup: id, environment: manifest.environment, dependency: manifest.dependency)
        started.target = target
        started.force = force
        try record([.backup(started)], actor: actor)
        var operation = BackupOperation(
            kind: .restore, backup: id, environment: manifest.environment, dependency: manifest.dependency,
            startedBy: actor, startedAt: Date())
        operation.target = target
        backupOperations[id] = operation
        jobSink.yield(
            .backup(
                .restore(
                    store: storage, id: id, targetURL: targetURL, target: target, force: force,
                    integrityQueries: spec?.integrityQueries ?? [], services: services, actor: actor)))
        return operation
    }

    /// Applies retention to the backups of an environment, or with `dryRun` only says what it would do.
    ///
    /// The policy of a dependency is its `backups:` entry's `retention`, else the environment's
    /// `backupRetention`; none keeps everything. Each deletion is recorded (`backup.pruned`)
    /// before the files go. A backup with an operation running is kept. Every place the
    /// environment's backups are kept is pruned (`DATA/backups` and each `destination`).
    /// - Parameter dependency: Only the backups of this dependency (the scheduler's prune after a backup); nil: all.
    /// - Returns: every backup of the environment with the decision and its reasons.
    public func pruneBackups(environment: String, dependency only: String? = nil, dryRun: Bool, actor: String) async throws
        -> [BackupPruneItem]
    {
        guard let stack = state.stack else { throw ControlPlaneError.invalid("no stack is loaded") }
        guard let environmentSpec = stack.environment(named: environment) else {
            throw ControlPlaneError.notFound(
                "unknown environment '\(environment)'; the stack has: \(stack.environments.map(\.name).joined(separator: ", "))")
        }
        var retained = [RetainedBackup]()
        var storageOf = [String: any BackupStorage]()
        for storage in try backupStorages(environment: environment) {
            do {
                for backup in try await storage.retained()
                where backup.environment == environment && (only == nil || backup.dependency == only) {
                    guard storageOf[backup.id] == nil else { continue }
                    retained.append(backup)
                    storageOf[backup.id] = storage
                }
            } catch {
                throw ControlPlaneError.invalid("the backup store \(storage.location) cannot be read: \(error)")
            }
        }
        let now = Date()
        let decisions = Dictionary(grouping: retained, by: \.dependency).keys.sorted().flatMap { dependency in
            let policy = stack.backups.first { $0.dependency == dependency }?.retention ?? environmentSpec.backupRetention
            return BackupRetention.decide(retained.filter { $0.dependency == dependency }, policy: policy, now: now)
        }
        var items = [BackupPruneItem]()
        for decision in decisions {
            let backup = decision.backup
            var item = BackupPruneItem(
                backup: backup.id, environment: backup.environment, dependency: backup.dependency,
                createdAt: backup.createdAt, verified: backup.verified, keep: decision.keep, reasons: decision.reasons,
                deleted: false)
            if !decision.keep, backupOperations[backup.id]?.state == .running {
                item.keep = true
                item.reasons = ["an operation is running on it"] + decision.reasons
            }
            if !item.keep && !dryRun {
                var pruned = BackupEvent(.pruned, backup: backup.id, environment: environment, dependency: backup.dependency)
                pruned.reasons = decision.reasons
                // The event first: a crash before the delete leaves files the next prune removes.
                try record([.backup(pruned)], actor: actor)
                do {
                    try await storageOf[backup.id]?.delete(backup.id)
                } catch {
                    throw ControlPlaneError.conflict("backup \(backup.id) was recorded as pruned but not deleted: \(error)")
                }
                backupOperations[backup.id] = nil
                item.deleted = true
            }
            items.append(item)
        }
        return items
    }

    /// The backups of an environment (every environment when nil), newest first, with those being taken.
    public func backups(environment: String?) async throws -> [BackupView] {
        var views = [BackupView]()
        var stored = Set<String>()
        for storage in try backupStorages(environment: environment) {
            do {
                for manifest in try await storage.manifests() where stored.insert(manifest.id).inserted {
                    views.append(await view(of: manifest, store: storage))
                }
            } catch {
                throw ControlPlaneError.invalid("the backup store \(storage.location) cannot be read: \(error)")
            }
        }
        for operation in backupOperations.values where !stored.contains(operation.backup) {
            views.append(
                BackupView(
                    id: operation.backup, environment: operation.environment, dependency: operation.dependency,
                    manifest: nil, verification: nil, verified: false, operation: operation))
        }
        return views.filter { environment == nil || $0.environment == environment }.sorted { $0.id > $1.id }
    }

    /// One backup: its manifest, last verification and latest operation.
    /// - Throws: ``ControlPlaneError/notFound(_:)`` when neither the store nor an operation knows it.
    public func backup(id: String) async throws -> BackupView {
        guard BackupManifest.isValidID(id) else { throw ControlPlaneError.notFound("no backup \(id)") }
        if let (manifest, storage) = try await locateBackup(id) { return await view(of: manifest, store: storage) }
        guard let operation = backupOperations[id] else { throw ControlPlaneError.notFound("no backup \(id)") }
        return BackupView(
            id: id, environment: operation.environment, dependency: operation.dependency, manifest: nil,
            verification: nil, verified: false, operation: operation)
    }

    /// The environment of a backup (for permissions), from its manifest or its operation.
    public func backupEnvironment(id: String) async -> String? {
        if let operation = backupOperations[id] { return operation.environment }
        return try? await locateBackup(id)?.manifest.environment
    }

    // MARK: Helpers

    private func view(of manifest: BackupManifest, store: any BackupStorage) async -> BackupView {
        let verification = await store.verification(manifest.id)
        return BackupView(
            id: manifest.id, environment: manifest.environment, dependency: manifest.dependency, manifest: manifest,
            verification: verification, verified: verification?.passed ?? false,
            operation: backupOperations[manifest.id])
    }

    private func storedManifest(_ id: String) async throws -> (BackupManifest, any BackupStorage) {
        guard let found = try await locateBackup(id) else { throw ControlPlaneError.notFound("no backup \(id)") }
        return found
    }

    private func refuseWhileBusy(_ id: String) throws {
        if let operation = backupOperations[id], operation.state == .running {
            throw ControlPlaneError.conflict("a \(operation.kind.rawValue) of backup \(id) is still running")
        }
    }

    /// The dependency's URL in `environment`, secrets resolved: for the engine only, never shown.
    func resolvedBackupURL(dependency: String, environment: String) throws -> String {
        guard let stack = state.stack, let planner else { throw ControlPlaneError.invalid("no stack is loaded") }
        guard stack.environment(named: environment) != nil else {
            throw ControlPlaneError.notFound(
                "unknown environment '\(environment)'; the stack has: \(stack.environments.map(\.name).joined(separator: ", "))")
        }
        guard let spec = stack.dependencies.first(where: { $0.name == dependency }) else {
            let known = stack.dependencies.filter { $0.kind == .postgres }.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound(
                "unknown dependency '\(dependency)'; the stack's postgres dependencies: \(known.isEmpty ? "none" : known)")
        }
        guard spec.kind == .postgres else {
            throw ControlPlaneError.invalid("dependency '\(dependency)' is \(spec.kind.rawValue); only postgres dependencies are backed up")
        }
        do {
            return try planner.resolveDependencyURL(spec, environment: environment)
        } catch {
            throw ControlPlaneError.invalid("the URL of \(dependency) in \(environment) cannot be resolved: \(error)")
        }
    }

    /// The services of `environment` whose env references the dependency's URL and that run there now.
    func servicesUsing(_ dependency: String, in environment: String) -> [String] {
        guard let stack = state.stack else { return [] }
        let reference = "${dependencies.\(dependency)."
        return stack.services.map(\.name).filter { name in
            guard let service = stack.effectiveService(name, in: environment),
                state.currentRelease(for: ServiceEnvironment(service: name, environment: environment)) != nil
            else { return false }
            return service.env.values.contains { $0.contains(reference) }
        }.sorted()
    }

    /// A database name the engine can create and rename without quoting surprises.
    static func isPlainDatabaseName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter), name.utf8.count <= 63 else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// `postgres://user:password@host:port/database` for the engine (the password percent-encoded).
    static func url(of target: PostgresTarget) -> String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = target.user
        components.password = target.password
        components.host = target.host
        components.port = target.port
        components.path = "/" + target.database
        return components.string ?? ""
    }
}
