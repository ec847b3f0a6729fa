import Foundation
import StewardBackup
import StewardCore

/// A `deploy.migrate` database of a deployment's checklist, resolved before the checklist runs.
struct ChecklistMigration: Sendable {
    var dependency: String
    /// The database's URL with secrets resolved: for the runner only, never shown.
    var url: String
    /// Read once, when the checklist was resolved: the bytes that run are the ones hashed.
    var directory: MigrationDirectory
    /// Whether the environment wants a verified backup before the database changes (`backupBeforeMigrate`).
    var backupFirst: Bool
    /// The `backups:` entry's integrity queries: the backup's checks, and the checks after the run.
    var integrityQueries: [String]
}

extension ControlPlane {
    /// The `deploy.migrate` databases of a release, resolved in its environment, in order.
    /// - Returns: the databases, and one sentence per database that cannot be migrated there.
    func checklistMigrations(_ release: Release) -> (migrations: [ChecklistMigration], failures: [String]) {
        var migrations: [ChecklistMigration] = []
        var failures: [String] = []
        for dependency in release.spec.deploy.migrate {
            do {
                guard let target = try migrationTargets(dependency: dependency, environment: release.environment).first,
                    let url = target.url
                else {
                    throw ControlPlaneError.invalid(
                        "the URL of \(dependency) does not resolve in \(release.environment)")
                }
                migrations.append(
                    ChecklistMigration(
                        dependency: dependency, url: url, directory: target.directory, backupFirst: target.backupFirst,
                        integrityQueries: target.integrityQueries))
            } catch {
                failures.append("the migrations of \(dependency) cannot run: \(error)")
            }
        }
        return (migrations, failures)
    }

    /// Applies the pending migrations of one database as a step of deployment `id`'s checklist.
    ///
    /// The run is `steward migrate up`'s: the same operation (a manual run of the database in the
    /// environment is refused meanwhile, and one already going on fails this step), the same lock,
    /// one transaction per migration, drift refused, and the same `migration.*` events, each naming
    /// the deployment. `backup` is the verified backup the checklist already took of this database
    /// (`beforeDeploy`): it stands for the one `backupBeforeMigrate` asks for, so none is taken twice.
    /// Already-applied versions are skipped, so running it again after a crash is safe.
    /// - Returns: the checklist's items for the database, and the failure that fails the deployment.
    nonisolated func migrateBeforeDeploying(
        _ migration: ChecklistMigration, deployment id: Int, environment: String, backup: String?, actor: String
    ) async -> DeployMigrationReport {
        let operation: MigrationOperation
        do {
            operation = try await beginMigrationOperation(
                .up, dependency: migration.dependency, environment: environment, target: nil, actor: actor)
        } catch {
            return DeployMigrationReport(
                dependency: migration.dependency, planned: [], applied: [],
                stop: .init(message: "\(error)", version: nil))
        }
        let job = MigrationJob(
            run: operation.run, direction: .up, target: nil, environment: environment, dependency: migration.dependency,
            url: migration.url, directory: migration.directory, backupFirst: migration.backupFirst,
            integrityQueries: migration.integrityQueries, actor: actor, deployment: String(id), backup: backup)
        let outcome = await executeMigration(job)
        return DeployMigrationReport(
            dependency: migration.dependency, planned: outcome.planned, applied: outcome.done,
            stop: outcome.error.map { .init(message: $0.message, version: $0.version) },
            validationFailures: outcome.validationFailures)
    }
}
