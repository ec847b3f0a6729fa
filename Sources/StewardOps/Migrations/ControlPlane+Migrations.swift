import Foundation
public import StewardBackup
public import StewardCore

extension ControlPlane {
    /// Where a dependency's migrations stand in `environment`, or in every environment when nil.
    ///
    /// Reads each database's history (no lock, nothing created); a database that cannot be
    /// reached gives a view with the reason instead of migrations.
    /// - Throws: ``ControlPlaneError`` when the dependency, the environment or the directory cannot be used.
    public nonisolated func migrationStatus(dependency: String, environment: String?) async throws -> [MigrationStatusView] {
        let targets = try await migrationTargets(dependency: dependency, environment: environment)
        var views = [MigrationStatusView]()
        for target in targets {
            var view = MigrationStatusView(
                dependency: dependency, environment: target.environment, directory: target.declaredDirectory, migrations: [],
                error: nil, backupFirst: target.backupFirst,
                operation: await migrationOperations["\(dependency)/\(target.environment)"])
            guard let url = target.url else {
                view.error = target.urlProblem
                views.append(view)
                continue
            }
            do {
                view.migrations = try await MigrationRunner(logger: logger).status(url: url, directory: target.directory)
            } catch {
                var mask = SecretMask()
                mask.hidePassword(ofURL: url)
                view.error = mask.apply("the history cannot be read: \(error.message)")
            }
            views.append(view)
        }
        return views
    }

    /// Starts `up` (to `target`, else the latest) or `down` (to `target`) of a dependency's migrations.
    ///
    /// Checks what can be checked without the database first (the dependency has migrations, the
    /// directory follows the naming rule, the version exists, the URL resolves, no run of it is
    /// going on there) and hands the run to a job; the answer is the operation to follow
    /// (``migrationStatus(dependency:environment:)``). The job plans under the database's lock,
    /// takes a verified backup first where the environment says so, and records `migration.*`.
    /// - Throws: ``ControlPlaneError`` and records nothing when the run cannot start.
    public func startMigration(
        _ direction: MigrationFileName.Direction, dependency: String, environment: String, target: Int?, actor: String
    ) throws -> MigrationOperation {
        guard let migrationTarget = try migrationTargets(dependency: dependency, environment: environment).first else {
            throw ControlPlaneError.notFound("unknown environment '\(environment)'")
        }
        guard let url = migrationTarget.url else {
            throw ControlPlaneError.invalid(migrationTarget.urlProblem ?? "the URL of \(dependency) does not resolve")
        }
        let catalog = migrationTarget.directory.catalog
        switch (direction, target) {
        case (.down, nil):
            throw ControlPlaneError.invalid("down needs the version to go back to ('to'; 0 reverts every migration)")
        case (_, let version?) where version < 0:
            throw ControlPlaneError.invalid("'to' must be a version of 0 or more, found \(version)")
        case (.up, 0?):
            throw ControlPlaneError.invalid("up --to 0 applies nothing; versions start at 1")
        case (_, let version?) where version > 0 && catalog.migration(version) == nil:
            let known = catalog.migrations.isEmpty ? "the directory holds none" : "the directory has 1 to \(catalog.latestVersion)"
            throw ControlPlaneError.invalid("there is no migration \(version); \(known)")
        default:
            break
        }
        let operation = try beginMigrationOperation(
            direction, dependency: dependency, environment: environment, target: target, actor: actor)
        jobSink.yield(
            .migration(
                MigrationJob(
                    run: operation.run, direction: direction, target: target, environment: environment,
                    dependency: dependency, url: url, directory: migrationTarget.directory,
                    backupFirst: migrationTarget.backupFirst, integrityQueries: migrationTarget.integrityQueries,
                    actor: actor)))
        return operation
    }

    /// Registers a new run of a dependency's migrations in an environment as the operation clients
    /// follow (`steward migrate status`).
    /// - Throws: ``ControlPlaneError/conflict(_:)`` while another run of it goes on there.
    func beginMigrationOperation(
        _ direction: MigrationFileName.Direction, dependency: String, environment: String, target: Int?, actor: String
    ) throws -> MigrationOperation {
        let key = "\(dependency)/\(environment)"
        if let running = migrationOperations[key], running.state == .running {
            throw ControlPlaneError.conflict(
                "migration run \(running.run) (\(running.direction.rawValue)) of \(dependency) in \(environment) is still running")
        }
        let operation = MigrationOperation(
            run: MigrationOperation.newID(at: Date()), direction: direction, environment: environment, dependency: dependency,
            target: target, startedBy: actor, startedAt: Date())
        migrationOperations[key] = operation
        return operation
    }

    /// One environment's view of a dependency with migrations: resolved, read, ready for the runner.
    struct MigrationTarget: Sendable {
        var environment: String
        var declaredDirectory: String
        var directory: MigrationDirectory
        /// The URL with secrets resolved; nil when it does not resolve here (``urlProblem`` says why).
        var url: String?
        var urlProblem: String?
        var backupFirst: Bool
        var integrityQueries: [String]
    }

    /// The dependency in `environment` (every environment when nil), with its directory read.
    func migrationTargets(dependency: String, environment: String?) throws -> [MigrationTarget] {
        guard let stack = state.stack else { throw ControlPlaneError.invalid("no stack is loaded") }
        let environments: [EnvironmentSpec]
        if let environment {
            guard let spec = stack.environment(named: environment) else {
                throw ControlPlaneError.notFound(
                    "unknown environment '\(environment)'; the stack has: \(stack.environments.map(\.name).joined(separator: ", "))")
            }
            environments = [spec]
        } else {
            environments = stack.environments
        }
        guard let spec = stack.dependency(named: dependency) else {
            let known = stack.dependencies.filter { $0.migrations != nil }.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound(
                "unknown dependency '\(dependency)'; the stack's dependencies with migrations: \(known.isEmpty ? "none" : known)")
        }
        guard let declared = spec.migrations else {
            throw ControlPlaneError.invalid(
                "dependency '\(dependency)' declares no migrations (add `migrations: DIRECTORY` to it in the stack file)")
        }
        let path = declared.hasPrefix("/") ? declared : (baseDirectory as NSString).appendingPathComponent(declared)
        let directory: MigrationDirectory
        do {
            directory = try MigrationDirectory.load(path)
        } catch {
            throw ControlPlaneError.invalid(error.message)
        }
        let queries = stack.backups.first { $0.dependency == dependency }?.integrityQueries ?? []
        return environments.map { environment in
            // One environment whose secret is not set must not hide where the others stand.
            var url: String?
            var problem: String?
            do {
                url = try resolvedBackupURL(dependency: dependency, environment: environment.name)
            } catch {
                problem = "\(error)"
            }
            return MigrationTarget(
                environment: environment.name, declaredDirectory: declared, directory: directory, url: url,
                urlProblem: problem, backupFirst: environment.backsUpBeforeMigrating, integrityQueries: queries)
        }
    }
}
