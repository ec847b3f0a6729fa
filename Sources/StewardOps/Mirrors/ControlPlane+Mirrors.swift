import Foundation
import Logging
import StewardBackup
public import StewardCore

extension ControlPlane {
    /// Every mirror the stack declares, with its next scheduled sync and its latest run.
    public func mirrors() -> [MirrorView] {
        guard let stack = state.stack else { return [] }
        let now = scheduleClock.now()
        let schedules = Dictionary(uniqueKeysWithValues: stack.schedules.filter { $0.kind == .mirror }.map { ($0.dependency, $0) })
        return stack.mirrors.map { spec in
            var next: Date?
            if let schedule = schedules[spec.name] {
                if let record = state.schedules[schedule.id],
                    case .runNow = ScheduleDecision.due(schedule, record: record, now: now)
                {
                    next = now
                } else if let record = state.schedules[schedule.id],
                    case .wait(let until) = ScheduleDecision.due(schedule, record: record, now: now)
                {
                    next = until
                } else {
                    next = schedule.cron.nextFire(after: now, in: schedule.zone)
                }
            }
            return MirrorView(
                name: spec.name, source: spec.source, target: spec.target, keepRemoved: spec.keepRemoved,
                schedule: spec.schedule, timeZone: spec.timeZone, nextSyncAt: next, operation: mirrorOperations[spec.name])
        }
    }

    /// One mirror. - Throws: ``ControlPlaneError/notFound(_:)`` when the stack declares no such mirror.
    public func mirror(named name: String) throws -> MirrorView {
        guard let view = mirrors().first(where: { $0.name == name }) else { throw unknownMirror(name) }
        return view
    }

    /// Starts a sync of a mirror: every new or changed object of the source is copied, and copies of
    /// objects gone from the source are deleted (kept with `keepRemoved`).
    ///
    /// Checks everything first (the mirror is declared, both ends resolve, no run of it is going
    /// on), records `mirror.started`, and hands the copy to a job; the answer names the run to follow
    /// (``mirror(named:)``).
    /// - Throws: ``ControlPlaneError`` and records nothing when the sync cannot start.
    public func syncMirror(_ name: String, actor: String) throws -> MirrorOperation {
        let job = try beginMirrorSync(name, actor: actor)
        jobSink.yield(.mirror(job))
        return mirrorOperations[name]!
    }

    /// Starts a restore of a mirror into `target` (`s3://BUCKET/PREFIX`; the mirror's source when nil).
    ///
    /// Every copy is checked against its SHA-256 before it is uploaded; objects the target already
    /// holds with the same size are skipped; nothing in the target is deleted. Objects kept after
    /// their removal from the source come back only with `includeRemoved`.
    /// - Throws: ``ControlPlaneError`` and records nothing when the restore cannot start.
    public func restoreMirror(_ name: String, to target: String?, includeRemoved: Bool, actor: String) throws
        -> MirrorOperation
    {
        let spec = try mirrorSpec(name)
        let destination = target ?? spec.source
        guard destination.hasPrefix("s3://") else {
            throw ControlPlaneError.invalid(
                "a mirror restores into a bucket: expected s3://BUCKET/PREFIX, found '\(destination)'")
        }
        var engine = try bucketMirror(spec)
        let location: S3Location
        do {
            location = try S3Location(url: destination)
        } catch let error as BackupError {
            throw ControlPlaneError.invalid("the restore target: \(error.message)")
        }
        if location.bucket == Self.mirrorBucket(of: engine.target),
            Self.overlaps(location, Self.mirrorLocation(of: engine.target))
        {
            throw ControlPlaneError.invalid("the restore target \(destination) lies inside the mirror \(spec.target) or holds it")
        }
        let client = S3Client(connection: try mirrorConnection(bucket: location.bucket, role: "restore target"))
        engine.logger = logger
        var mask = SecretMask()
        mask.hideCredentials(of: engine)
        mask.hide(client.connection.credentials.secretAccessKey)
        let run = try beginMirrorRun(
            spec, operation: .restore, source: spec.target, target: location.description,
            includeRemoved: includeRemoved, actor: actor)
        let job = MirrorJob(
            engine: engine, mirror: name, run: run, operation: .restore, restoreClient: client,
            restoreLocation: location, includeRemoved: includeRemoved, actor: actor, mask: mask)
        jobSink.yield(.mirror(job))
        return mirrorOperations[name]!
    }

    /// Resolves a mirror and records `mirror.started` for a sync; the caller runs the job.
    ///
    /// - Parameter recordedFirst: Events appended in the same write, before `mirror.started` (a schedule's fire).
    func beginMirrorSync(_ name: String, actor: String, run: String? = nil, recordedFirst: [StewardEvent] = []) throws
        -> MirrorJob
    {
        let spec = try mirrorSpec(name)
        let engine = try bucketMirror(spec)
        var mask = SecretMask()
        mask.hideCredentials(of: engine)
        let id = try beginMirrorRun(
            spec, operation: .sync, source: spec.source, target: spec.target, includeRemoved: nil, actor: actor, run: run,
            recordedFirst: recordedFirst)
        return MirrorJob(
            engine: engine, mirror: name, run: id, operation: .sync, restoreClient: nil, restoreLocation: nil,
            includeRemoved: false, actor: actor, mask: mask)
    }

    /// Records `mirror.started` and registers the run's operation.
    /// - Throws: ``ControlPlaneError/conflict(_:)`` while a run of the mirror is going on.
    private func beginMirrorRun(
        _ spec: MirrorSpec, operation: MirrorEvent.Operation, source: String, target: String, includeRemoved: Bool?,
        actor: String, run: String? = nil, recordedFirst: [StewardEvent] = []
    ) throws -> String {
        if let running = mirrorOperations[spec.name], running.state == .running {
            throw ControlPlaneError.conflict(
                "a \(running.kind.rawValue) of mirror \(spec.name) is still running (run \(running.run))")
        }
        let id = run ?? BackupManifest.newID(at: Date())
        var started = MirrorEvent(.started, mirror: spec.name, run: id, operation: operation)
        started.source = source
        started.target = target
        started.includeRemoved = includeRemoved
        try record(recordedFirst + [.mirror(started)], actor: actor)
        mirrorOperations[spec.name] = MirrorOperation(
            run: id, mirror: spec.name, kind: operation, startedBy: actor, startedAt: Date(), source: source, target: target)
        return id
    }

    func mirrorSpec(_ name: String) throws -> MirrorSpec {
        guard let spec = state.stack?.mirror(named: name) else { throw unknownMirror(name) }
        return spec
    }

    private func unknownMirror(_ name: String) -> ControlPlaneError {
        let known = state.stack?.mirrors.map(\.name) ?? []
        return .notFound(
            "mirror '\(name)' is not declared in the stack"
                + (known.isEmpty ? " (it declares no mirrors)" : " (it declares \(known.joined(separator: ", ")))"))
    }

    /// The engine for a mirror: its source bucket and its target bucket or folder, each reached
    /// through the `s3` dependency naming the bucket, else the control plane's `AWS_*` variables.
    /// - Throws: ``ControlPlaneError/invalid(_:)`` naming what does not resolve; never a credential.
    func bucketMirror(_ spec: MirrorSpec) throws -> BucketMirror {
        do {
            let sourceLocation = try S3Location(url: spec.source)
            let source = S3Client(connection: try mirrorConnection(bucket: sourceLocation.bucket, role: "source"))
            let target: MirrorTarget
            if spec.targetIsBucket {
                let location = try S3Location(url: spec.target)
                target = .bucket(S3Client(connection: try mirrorConnection(bucket: location.bucket, role: "target")), location)
            } else if spec.target.hasPrefix("/") {
                target = .folder(spec.target)
            } else {
                guard let backupDirectory else {
                    throw ControlPlaneError.invalid(
                        "the target of mirror \(spec.name) is a relative folder, and this control plane has no data directory")
                }
                let data = (backupDirectory as NSString).deletingLastPathComponent
                target = .folder((data as NSString).appendingPathComponent(spec.target))
            }
            return BucketMirror(
                source: source, sourceLocation: sourceLocation, target: target, keepRemoved: spec.keepRemoved, logger: logger)
        } catch let error as ControlPlaneError {
            throw error
        } catch let error as BackupError {
            throw ControlPlaneError.invalid("mirror \(spec.name): \(error.message)")
        } catch {
            throw ControlPlaneError.invalid("mirror \(spec.name): \(error)")
        }
    }

    /// How to reach a bucket of a mirror (mirrors are the stack's: secrets set without an environment).
    private func mirrorConnection(bucket: String, role: String) throws -> S3Connection {
        do {
            return try s3Connection(bucket: bucket, environment: nil)
        } catch let error as ControlPlaneError {
            throw error
        } catch {
            throw ControlPlaneError.invalid(
                "the \(role) bucket \(bucket) cannot be reached: no s3 dependency names it and \(error)")
        }
    }

    static func mirrorBucket(of target: MirrorTarget) -> String? {
        if case .bucket(_, let location) = target { return location.bucket }
        return nil
    }

    static func mirrorLocation(of target: MirrorTarget) -> S3Location? {
        if case .bucket(_, let location) = target { return location }
        return nil
    }

    /// Whether two locations of one bucket are the same, or one lies inside the other.
    static func overlaps(_ a: S3Location, _ b: S3Location?) -> Bool {
        guard let b, a.bucket == b.bucket else { return false }
        return a.listPrefix.hasPrefix(b.listPrefix) || b.listPrefix.hasPrefix(a.listPrefix)
    }
}

extension SecretMask {
    /// Hides the secret keys of a mirror's buckets: S3 errors never carry them, and this keeps it so.
    mutating func hideCredentials(of mirror: BucketMirror) {
        hide(mirror.source.connection.credentials.secretAccessKey)
        if case .bucket(let client, _) = mirror.target { hide(client.connection.credentials.secretAccessKey) }
    }
}
