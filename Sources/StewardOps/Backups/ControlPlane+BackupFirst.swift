import Foundation
import StewardBackup
import StewardCore

/// Why a backup taken ahead of an operation did not pass (secrets masked); the operation does not run.
struct BackupFirstFailure: Error, CustomStringConvertible {
    /// Reads after "the backup before …": `could not start: …` or `(ID) failed: …`.
    let description: String
}

extension ControlPlane {
    /// Takes a backup of a database ahead of an operation that changes it (a deployment, a
    /// migration), verifies it when `verify`, and waits for the outcome.
    ///
    /// - Parameters:
    ///   - url: the database's resolved URL.
    ///   - deployment: the deployment it is taken for, kept in its events and its manifest.
    ///   - begun: told the backup's id once `backup.started` is recorded.
    /// - Returns: the id of the backup, which succeeded (and passed its verification when asked).
    /// - Throws: ``BackupFirstFailure``.
    nonisolated func takeBackupFirst(
        dependency: String, environment: String, url: String, deployment: String?, verify: Bool, queries: [String],
        actor: String, begun: @Sendable (String) async -> Void = { _ in }
    ) async throws(BackupFirstFailure) -> String {
        let operation: BackupOperation
        let engine: BackupEngine
        do {
            operation = try await beginBackup(
                dependency: dependency, environment: environment, deployment: deployment, actor: actor)
            engine = BackupEngine(
                store: try await backupStorage(dependency: dependency, environment: environment), logger: logger)
        } catch {
            throw BackupFirstFailure(description: "could not start: \(error)")
        }
        await begun(operation.backup)
        await takeBackup(
            engine, id: operation.backup, url: url, environment: environment, dependency: dependency, verify: verify,
            queries: queries, actor: actor, deployment: deployment)
        let outcome = await backupOperations[operation.backup]
        guard outcome?.state == .succeeded else {
            throw BackupFirstFailure(description: "(\(operation.backup)) failed: \(outcome?.error ?? "no reason given")")
        }
        return operation.backup
    }

    /// The `backups:` entries whose `beforeDeploy` backup a deployment of `release` takes: those
    /// of the PostgreSQL dependencies its service uses (in `dependsOn`, or in a variable).
    func backupsBeforeDeploying(_ release: Release) -> [BackupSpec] {
        guard let stack = state.stack else { return [] }
        return stack.backups.filter { backup in
            guard backup.beforeDeploy, stack.dependencies.contains(where: { $0.name == backup.dependency && $0.kind == .postgres })
            else { return false }
            let reference = "${dependencies.\(backup.dependency)."
            return release.spec.dependsOn.contains(backup.dependency) || release.spec.env.values.contains { $0.contains(reference) }
        }
    }
}
