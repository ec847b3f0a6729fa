import Foundation
import Logging
import StewardBackup
import StewardCore
import StewardRuntime
import Synchronization

extension ControlPlane {
    /// Runs one backup job outside the actor; every outcome is recorded, and the operation updated.
    nonisolated func executeBackup(_ job: BackupJob) async {
        let engine = BackupEngine(store: job.store, logger: logger)
        switch job {
        case .create(_, let id, let url, let environment, let dependency, let verify, let queries, let actor):
            await takeBackup(
                engine, id: id, url: url, environment: environment, dependency: dependency, verify: verify,
                queries: queries, actor: actor)
        case .verify(_, let id, let url, let queries, let actor):
            var mask = SecretMask()
            mask.hideCredentials(of: job.store)
            mask.hidePassword(ofURL: url)
            await runVerify(engine, id: id, url: url, queries: queries, mask: mask, actor: actor)
        case .restore(_, let id, let targetURL, let target, let force, let queries, let services, let actor):
            var mask = SecretMask()
            mask.hideCredentials(of: job.store)
            mask.hidePassword(ofURL: targetURL)
            let stopped = Mutex<[String]>([])
            let options = RestoreOptions(force: force, integrityQueries: queries) {
                // The copy passed its checks: stop what writes to the target, for the swap only.
                let names = await self.stopForRestore(services, backup: id, actor: actor)
                stopped.withLock { $0 = names }
            }
            var outcome: RestoreOutcome?
            var failure: String?
            do {
                outcome = try await engine.restore(id, into: targetURL, options: options)
            } catch {
                failure = mask.apply("\(error)")
            }
            // Whatever happened, the target is either the restored copy or the untouched original: start again.
            await startAfterRestore(stopped.withLock { $0 }, backup: id, actor: actor)
            await backupRestored(
                id, target: target, outcome: outcome, failure: failure, stopped: stopped.withLock { $0 }, actor: actor)
        }
    }

    /// Dumps backup `id` (begun with ``beginBackup(dependency:environment:deployment:actor:)``) and
    /// verifies it when `verify`; every outcome is recorded and its operation settled.
    nonisolated func takeBackup(
        _ engine: BackupEngine, id: String, url: String, environment: String, dependency: String, verify: Bool,
        queries: [String], actor: String, deployment: String? = nil
    ) async {
        var mask = SecretMask()
        mask.hideCredentials(of: engine.store)
        mask.hidePassword(ofURL: url)
        // Progress arrives from the dump's thread, often: pass it on at most every 256 KiB.
        let reported = Mutex<Int64>(0)
        let request = BackupEngine.CreateRequest(
            url: url, environment: environment, dependency: dependency, deployment: deployment, id: id)
        do {
            let manifest = try await engine.create(request) { bytes in
                let due = reported.withLock { last in
                    guard bytes - last >= 256 * 1024 else { return false }
                    last = bytes
                    return true
                }
                if due { Task { await self.noteBackupBytes(id, bytes) } }
            }
            await backupCreated(manifest, actor: actor, settle: !verify)
        } catch {
            await backupFailed(id, error: mask.apply("\(error)"), actor: actor)
            return
        }
        if verify { await runVerify(engine, id: id, url: url, queries: queries, mask: mask, actor: actor) }
    }

    private nonisolated func runVerify(
        _ engine: BackupEngine, id: String, url: String, queries: [String], mask: SecretMask, actor: String
    ) async {
        await noteVerifying(id, actor: actor)
        do {
            let result = try await engine.verify(id, serverURL: url, integrityQueries: queries)
            await backupVerified(id, result: result, actor: actor)
        } catch {
            let failed = VerificationResult(
                backupID: id, verifiedAt: Date(), failures: [mask.apply("\(error)")], checks: [], database: "",
                durationSeconds: 0)
            await backupVerified(id, result: failed, actor: actor)
        }
    }

    func noteBackupBytes(_ id: String, _ bytes: Int64) {
        // Read, then write back: `backupOperations[id]?.bytes = max(backupOperations[id]?.bytes …)`
        // reads the dictionary inside its own modify access (the optional chain's right-hand side
        // runs after the chain began), which traps as an exclusivity violation.
        guard var operation = backupOperations[id], operation.state == .running else { return }
        operation.bytes = max(operation.bytes, bytes)
        backupOperations[id] = operation
    }

    /// Marks the operation verifying and records `backup.verify-started` before the scratch database exists.
    private func noteVerifying(_ id: String, actor: String) {
        guard var operation = backupOperations[id] else { return }
        recordBackup(
            BackupEvent(.verifyStarted, backup: id, environment: operation.environment, dependency: operation.dependency),
            actor: actor)
        if operation.kind == .create { operation.kind = .verify }
        operation.state = .running
        backupOperations[id] = operation
    }

    private func backupCreated(_ manifest: BackupManifest, actor: String, settle: Bool) {
        recordBackup(Self.createdEvent(manifest), actor: actor)
        backupOperations[manifest.id]?.bytes = manifest.sizeBytes
        if settle { finish(manifest.id, error: nil) }
    }

    /// `backup.created` for the backup `manifest` describes.
    static func createdEvent(_ manifest: BackupManifest) -> BackupEvent {
        var event = BackupEvent(.created, backup: manifest.id, environment: manifest.environment, dependency: manifest.dependency)
        event.database = manifest.database
        event.sizeBytes = manifest.sizeBytes
        event.sha256 = manifest.sha256
        event.durationSeconds = manifest.durationSeconds
        event.tables = manifest.tables.count
        return event
    }

    private func backupFailed(_ id: String, error: String, actor: String) {
        guard let operation = backupOperations[id] else { return }
        var event = BackupEvent(.failed, backup: id, environment: operation.environment, dependency: operation.dependency)
        event.error = error
        recordBackup(event, actor: actor)
        finish(id, error: error)
    }

    private func backupVerified(_ id: String, result: VerificationResult, actor: String) {
        guard let operation = backupOperations[id] else { return }
        var event = BackupEvent(.verified, backup: id, environment: operation.environment, dependency: operation.dependency)
        event.passed = result.passed
        event.failures = result.failures
        event.durationSeconds = result.durationSeconds
        recordBackup(event, actor: actor)
        backupOperations[id]?.passed = result.passed
        backupOperations[id]?.failures = result.failures
        finish(id, error: result.passed ? nil : "verification failed: " + result.failures.joined(separator: "; "))
    }

    private func backupRestored(
        _ id: String, target: String, outcome: RestoreOutcome?, failure: String?, stopped: [String], actor: String
    ) {
        guard let operation = backupOperations[id] else { return }
        backupOperations[id]?.stoppedServices = stopped
        if let restored = outcome {
            var event = BackupEvent(.restored, backup: id, environment: operation.environment, dependency: operation.dependency)
            event.target = target
            event.previousDatabase = restored.previousDatabase
            recordBackup(event, actor: actor)
            backupOperations[id]?.previousDatabase = restored.previousDatabase
            finish(id, error: nil)
        } else {
            let error = failure ?? "the restore did not finish"
            var event = BackupEvent(.restoreFailed, backup: id, environment: operation.environment, dependency: operation.dependency)
            event.target = target
            event.error = error
            recordBackup(event, actor: actor)
            finish(id, error: error)
        }
    }

    private func finish(_ id: String, error: String?) {
        backupOperations[id]?.state = error == nil ? .succeeded : .failed
        backupOperations[id]?.error = error
        backupOperations[id]?.finishedAt = Date()
    }

    private func recordBackup(_ event: BackupEvent, actor: String) {
        do {
            try record([.backup(event)], actor: actor)
        } catch {
            logger.error("cannot record \(event.type) of \(event.backup): \(error)")
        }
    }

    /// Stops `services` (each that still runs) for a restore's swap and waits until their instances are gone.
    /// - Returns: the services stopped, to start again afterwards.
    func stopForRestore(_ services: [String], backup id: String, actor: String) async -> [String] {
        var stopped = [String]()
        var instances = [String]()
        for service in services {
            guard let environment = backupOperations[id]?.environment else { break }
            do {
                instances += try stop(
                    service: service, environment: environment, reason: InterruptedBackupWork.stopReason(for: id), actor: actor)
                stopped.append(service)
            } catch {
                logger.warning("restore of \(id): \(service) not stopped: \(error)")
            }
        }
        // The swap ends the database's sessions anyway; waiting keeps the services from reconnecting mid-swap.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let running = Set(agentSnapshot?.instances.filter { $0.state != .exited }.map(\.spec.id) ?? [])
            if running.isDisjoint(with: instances) { break }
            try? await Task.sleep(for: .milliseconds(200))
        }
        backupOperations[id]?.stoppedServices = stopped
        return stopped
    }

    /// Starts again what a restore stopped (each service's last release), in the backup's environment.
    func startAfterRestore(_ services: [String], backup id: String, actor: String) {
        guard let environment = backupOperations[id]?.environment else { return }
        for service in services {
            do {
                _ = try start(service: service, environment: environment, actor: actor)
            } catch {
                logger.error("after a restore, \(service) in \(environment) cannot be started again: \(error)")
            }
        }
    }
}

extension SecretMask {
    /// Hides a bucket's secret key too: S3 errors never carry it, and this keeps it so.
    mutating func hideCredentials(of storage: any BackupStorage) {
        if let bucket = storage as? S3BackupStore { hide(bucket.client.connection.credentials.secretAccessKey) }
    }
}
