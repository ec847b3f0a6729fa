import Foundation
import Logging
import StewardBackup
import StewardCore
import Synchronization

extension ControlPlane {
    /// Runs one mirror sync or restore outside the actor; the outcome is recorded and the operation settled.
    ///
    /// A run that went through with objects it could not copy is recorded as `mirror.failed` with
    /// its counts and the failures (the next sync tries them again); one that could not start
    /// (a source that cannot be listed, a mirror without a manifest) with its error alone.
    nonisolated func executeMirror(_ job: MirrorJob) async {
        var engine = job.engine
        let started = ContinuousClock.now
        // Progress arrives after each object: pass it on at most every 64 objects or 1 MiB.
        let throttle = ProgressThrottle()
        engine.onProgress = { objects, bytes in
            if throttle.isDue(objects: objects, bytes: bytes) { Task { await self.noteMirrorProgress(job.mirror, run: job.run, objects: objects, bytes: bytes) } }
        }
        let report: MirrorReport
        do {
            switch job.operation {
            case .sync:
                report = try await engine.sync()
            case .restore:
                guard let client = job.restoreClient, let location = job.restoreLocation else {
                    throw BackupError(.invalid, "a restore without a target")
                }
                report = try await engine.restore(to: client, location: location, includeRemoved: job.includeRemoved)
            }
        } catch {
            let seconds = Self.seconds(since: started)
            await mirrorFinished(job, report: nil, error: job.mask.apply("\(error)"), seconds: seconds)
            return
        }
        await mirrorFinished(job, report: report, error: nil, seconds: Self.seconds(since: started))
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    func noteMirrorProgress(_ mirror: String, run: String, objects: Int, bytes: Int64) {
        guard var operation = mirrorOperations[mirror], operation.run == run, operation.state == .running else { return }
        operation.objects = max(operation.objects, objects)
        operation.bytes = max(operation.bytes, bytes)
        mirrorOperations[mirror] = operation
    }

    /// Records the outcome of a run (`mirror.synced`, `mirror.restored` or `mirror.failed`) and settles its operation.
    private func mirrorFinished(_ job: MirrorJob, report: MirrorReport?, error: String?, seconds: Double) {
        let failures = report.map { $0.failures.map(job.mask.apply) } ?? []
        let failed = error != nil || !failures.isEmpty
        let change: MirrorEvent.Change = failed ? .failed : (job.operation == .sync ? .synced : .restored)
        var event = MirrorEvent(change, mirror: job.mirror, run: job.run, operation: job.operation)
        if let report {
            event.copied = report.copied.count
            event.skipped = report.skipped
            if job.operation == .sync {
                event.deleted = report.deleted.count
                event.kept = report.kept.count
            }
            event.bytes = report.bytes
        }
        event.durationSeconds = seconds
        let message =
            error
            ?? (failures.isEmpty
                ? nil : "\(failures.count) object\(failures.count == 1 ? "" : "s") could not be copied: \(failures.prefix(3).joined(separator: "; "))")
        if failed {
            event.error = message
            if !failures.isEmpty { event.failures = failures }
        }
        do {
            try record([.mirror(event)], actor: job.actor)
        } catch {
            logger.error("cannot record \(event.type) of mirror \(job.mirror) (run \(job.run)): \(error)")
        }
        guard var operation = mirrorOperations[job.mirror], operation.run == job.run else { return }
        operation.state = failed ? .failed : .succeeded
        operation.finishedAt = Date()
        operation.durationSeconds = seconds
        operation.copied = event.copied
        operation.skipped = event.skipped
        operation.deleted = event.deleted
        operation.kept = event.kept
        if let bytes = event.bytes { operation.bytes = bytes }
        if let report { operation.objects = report.copied.count + report.skipped + report.failures.count }
        operation.failures = failures.isEmpty ? nil : failures
        operation.error = message
        mirrorOperations[job.mirror] = operation
    }
}

/// Lets a mirror's progress through at most every 64 objects or 1 MiB (it is reported after each object).
private final class ProgressThrottle: Sendable {
    private let last = Mutex<(objects: Int, bytes: Int64)>((0, 0))

    func isDue(objects: Int, bytes: Int64) -> Bool {
        last.withLock { last in
            guard objects - last.objects >= 64 || bytes - last.bytes >= 1024 * 1024 else { return false }
            last = (objects, bytes)
            return true
        }
    }
}
