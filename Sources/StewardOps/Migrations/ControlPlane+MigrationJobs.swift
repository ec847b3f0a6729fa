import Foundation
import Logging
import StewardBackup
import StewardCore
import Synchronization

extension ControlPlane {
    /// Runs one migration job outside the actor; every outcome is recorded and the operation updated.
    ///
    /// Under the database's migration lock: plan; where the environment says so, take a backup
    /// and verify it (a failed backup stops the run before anything changed); record
    /// `migration.started`; apply or revert each migration in its own transaction, recording each;
    /// after an up, run the integrity queries and record `migration.validated`.
    /// - Returns: what the run did, for a caller that waits for it (a deployment's checklist).
    @discardableResult
    nonisolated func executeMigration(_ job: MigrationJob) async -> MigrationOutcome {
        var mask = SecretMask()
        mask.hidePassword(ofURL: job.url)
        let runner = MigrationRunner(logger: logger)
        let request = MigrationRunner.Request(direction: job.direction, target: job.target, actor: job.actor)
        // What the runner's callbacks saw: kept here too, since a failing run returns no steps.
        let seen = MigrationTrace()
        func outcome(_ error: MigrationError? = nil, validation: [String] = []) -> MigrationOutcome {
            let (planned, done) = seen.state.withLock { ($0.planned, $0.done) }
            return MigrationOutcome(planned: planned, done: done, error: error, validationFailures: validation)
        }
        let steps: [MigrationRunner.Step]
        do {
            steps = try await runner.run(
                request, url: job.url, directory: job.directory,
                beforeRunning: { plan in
                    seen.state.withLock { $0.planned = plan }
                    var backup = job.backup
                    if backup == nil, job.backupFirst { backup = try await self.backUpBeforeMigrating(job, plan: plan) }
                    try await self.migrationStarted(job, plan: plan, backup: backup)
                },
                onStep: { step in
                    seen.state.withLock { $0.done.append(step.script.version) }
                    await self.migrationStepped(job, step)
                })
        } catch {
            let masked = MigrationError(error.kind, mask.apply(error.message), version: error.version, name: error.name)
            await migrationFailed(job, error: masked)
            return outcome(masked)
        }
        guard !steps.isEmpty else {
            await finishMigration(job, stage: "nothing to \(job.direction == .up ? "apply" : "revert")", error: nil)
            return outcome()
        }
        guard job.direction == .up, !job.integrityQueries.isEmpty else {
            await finishMigration(job, stage: "done", error: nil)
            return outcome()
        }
        await noteMigration(job, stage: "validating")
        var failures: [String]
        do {
            failures = try await runner.validate(url: job.url, queries: job.integrityQueries)
        } catch {
            failures = [mask.apply("the integrity queries could not run: \(error.message)")]
        }
        failures = failures.map { mask.apply($0) }
        await migrationValidated(job, failures: failures)
        return outcome(validation: failures)
    }

    /// Takes and verifies a backup of the database through the backup engine, under the migration lock.
    /// - Returns: the verified backup's id.
    /// - Throws: ``MigrationError`` (nothing ran) when it could not be taken or did not pass.
    private nonisolated func backUpBeforeMigrating(_ job: MigrationJob, plan: [MigrationScript]) async throws -> String {
        await noteMigration(job, stage: "backing up", planned: plan.map(\.version))
        do {
            return try await takeBackupFirst(
                dependency: job.dependency, environment: job.environment, url: job.url, deployment: job.deployment,
                verify: true, queries: job.integrityQueries, actor: job.actor
            ) { id in await self.noteMigration(job, stage: "backing up", backup: id) }
        } catch {
            throw MigrationError(.refused, "the backup before migrating \(error.description); nothing ran")
        }
    }

    private func migrationStarted(_ job: MigrationJob, plan: [MigrationScript], backup: String?) throws {
        var event = MigrationEvent(
            .started, run: job.run, environment: job.environment, dependency: job.dependency, direction: job.direction)
        event.versions = plan.map(\.version)
        event.target = job.target
        event.backup = backup
        event.deployment = job.deployment
        // Written ahead of the first migration: if it cannot be recorded, nothing runs.
        try record([.migration(event)], actor: job.actor)
        migrationOperations[job.key]?.planned = plan.map(\.version)
        migrationOperations[job.key]?.backup = backup
        migrationOperations[job.key]?.stage = "\(job.direction == .up ? "applying" : "reverting") \(plan[0].label)"
    }

    private func migrationStepped(_ job: MigrationJob, _ step: MigrationRunner.Step) {
        var event = MigrationEvent(
            job.direction == .up ? .applied : .reverted, run: job.run, environment: job.environment,
            dependency: job.dependency, direction: job.direction)
        event.version = step.script.version
        event.name = step.script.name
        if job.direction == .up { event.sha256 = step.script.sha256 }
        event.durationSeconds = step.durationSeconds
        event.backup = migrationOperations[job.key]?.backup
        event.deployment = job.deployment
        recordMigration(event, actor: job.actor)
        guard var operation = migrationOperations[job.key] else { return }
        operation.done.append(step.script.version)
        let next = operation.planned?.dropFirst(operation.done.count).first.flatMap { job.directory.catalog.migration($0) }
        if let next { operation.stage = "\(job.direction == .up ? "applying" : "reverting") \(next.label)" }
        migrationOperations[job.key] = operation
    }

    private func migrationFailed(_ job: MigrationJob, error: MigrationError) {
        var event = MigrationEvent(
            .failed, run: job.run, environment: job.environment, dependency: job.dependency, direction: job.direction)
        event.version = error.version
        event.name = error.name
        event.error = error.message
        event.backup = migrationOperations[job.key]?.backup
        event.deployment = job.deployment
        recordMigration(event, actor: job.actor)
        finishMigration(job, stage: error.kind == .failed ? "rolled back" : "refused", error: error.message)
    }

    private func migrationValidated(_ job: MigrationJob, failures: [String]) {
        var event = MigrationEvent(
            .validated, run: job.run, environment: job.environment, dependency: job.dependency, direction: job.direction)
        event.passed = failures.isEmpty
        event.failures = failures
        event.backup = migrationOperations[job.key]?.backup
        event.deployment = job.deployment
        recordMigration(event, actor: job.actor)
        migrationOperations[job.key]?.validationFailures = failures
        finishMigration(
            job, stage: failures.isEmpty ? "done, validated" : "applied, validation failed",
            error: failures.isEmpty
                ? nil : "applied, but the integrity queries did not hold: " + failures.joined(separator: "; "))
    }

    private func noteMigration(_ job: MigrationJob, stage: String, planned: [Int]? = nil, backup: String? = nil) {
        guard var operation = migrationOperations[job.key], operation.run == job.run else { return }
        operation.stage = stage
        if let planned { operation.planned = planned }
        if let backup { operation.backup = backup }
        migrationOperations[job.key] = operation
    }

    private func finishMigration(_ job: MigrationJob, stage: String, error: String?) {
        guard var operation = migrationOperations[job.key], operation.run == job.run else { return }
        operation.stage = stage
        operation.state = error == nil ? .succeeded : .failed
        operation.error = error
        operation.finishedAt = Date()
        migrationOperations[job.key] = operation
    }

    private func recordMigration(_ event: MigrationEvent, actor: String) {
        do {
            try record([.migration(event)], actor: actor)
        } catch {
            logger.error("cannot record \(event.type) of run \(event.run): \(error)")
        }
    }
}

/// The migrations a run planned and those that committed, as its callbacks report them.
private final class MigrationTrace: Sendable {
    let state = Mutex<(planned: [MigrationScript], done: [Int])>(([], []))
}
