import Foundation
import Logging
import StewardBackup
public import StewardCore

extension ControlPlane {
    /// A scheduled backup the scheduler started (recorded), for a child task to carry out.
    struct ScheduledBackup: Sendable {
        var schedule: String
        var backup: String
        var store: any BackupStorage
        var url: String
        var environment: String
        var dependency: String
        var verify: Bool
        var integrityQueries: [String]
    }

    /// What a fire started, for a child task to carry out.
    enum ScheduledRun: Sendable {
        case backup(ScheduledBackup)
        case mirror(MirrorJob)
    }

    /// The scheduler: runs the stack's schedules until cancelled.
    ///
    /// Each turn brings the log in line with the stack (`schedule.armed` / `schedule.disarmed`),
    /// starts what is due (``ScheduleDecision/due(_:record:now:)``: after a downtime, once), then
    /// sleeps on ``scheduleClock`` until the earliest next fire time, or until the stack changes.
    /// It never polls: with nothing scheduled it sleeps until a stack is applied. It starts once the
    /// stack given at start is applied (``apply(stack:digest:file:actor:)``), never on the log's older one.
    nonisolated func runSchedules() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let (runs, wake) = await scheduleTurn(now: scheduleClock.now())
                for run in runs {
                    switch run {
                    case .backup(let backup): group.addTask { await self.carryOut(backup) }
                    case .mirror(let job): group.addTask { await self.executeMirror(job) }
                    }
                }
                await waitForSchedules(until: wake)
            }
        }
    }

    /// One turn of the scheduler at `now`: arms, disarms and starts what is due.
    /// - Returns: the backups and mirror syncs started, and when to look again (nil: only when the stack changes).
    func scheduleTurn(now: Date) -> ([ScheduledRun], Date?) {
        guard schedulesOpen, let stack = state.stack else { return ([], nil) }
        let specs = stack.schedules
        let changes = ScheduleDecision.reconcile(specs, records: state.schedules, now: now)
        if !changes.isEmpty {
            do {
                try record(changes.map { .schedule($0) })
            } catch {
                logger.error("cannot record the schedules: \(error)")
                return ([], now.addingTimeInterval(60))
            }
        }
        var runs = [ScheduledRun]()
        var wake: Date?
        for spec in specs {
            guard let record = state.schedules[spec.id] else { continue }
            if case .runNow(let scheduledFor, let missed) = ScheduleDecision.due(spec, record: record, now: now) {
                let fire = ScheduleRecord.Fire(scheduledFor: scheduledFor, firedAt: now, missed: missed)
                switch spec.kind {
                case .backup: if let run = fireBackupSchedule(spec, fire) { runs.append(.backup(run)) }
                case .mirror: if let job = fireMirrorSchedule(spec, fire) { runs.append(.mirror(job)) }
                }
            }
            guard let record = state.schedules[spec.id] else { continue }
            switch ScheduleDecision.due(spec, record: record, now: now) {
            case .wait(let until):
                if let until { wake = min(wake ?? until, until) }
            case .runNow:
                // The fire could not be recorded (the log refused it): try again in a minute, not at once.
                wake = min(wake ?? now.addingTimeInterval(60), now.addingTimeInterval(60))
            }
        }
        return (runs, wake)
    }

    /// Records a fire of a backup schedule and, when the backup can start, `backup.started` in the same append.
    ///
    /// A fire that cannot start a backup (no backup store, a URL that does not resolve, a backup
    /// of the dependency still running there) is recorded with its `error`: it counts as the run
    /// for that fire time, so it is not tried again until the next one.
    func fireBackupSchedule(_ spec: ScheduleSpec, _ fire: ScheduleRecord.Fire) -> ScheduledBackup? {
        var fire = fire
        do {
            let url = try resolvedBackupURL(dependency: spec.dependency, environment: spec.environment)
            let storage = try backupStorage(dependency: spec.dependency, environment: spec.environment)
            let backupSpec = state.stack?.backups.first { $0.dependency == spec.dependency }
            let id = BackupManifest.newID(at: Date())
            fire.backup = id
            _ = try beginBackup(
                dependency: spec.dependency, environment: spec.environment, deployment: nil, actor: "steward", id: id,
                recordedFirst: [.schedule(.fired(spec.id, fire))])
            logger.info("schedule \(spec.id): backup \(id) for \(StewardDate.format(fire.scheduledFor)) (missed \(fire.missed))")
            return ScheduledBackup(
                schedule: spec.id, backup: id, store: storage, url: url, environment: spec.environment,
                dependency: spec.dependency, verify: backupSpec?.verify ?? true,
                integrityQueries: backupSpec?.integrityQueries ?? [])
        } catch {
            fire.backup = nil
            fire.error = "\(error)"
            logger.warning("schedule \(spec.id): no backup for \(StewardDate.format(fire.scheduledFor)): \(error)")
            do {
                try record([.schedule(.fired(spec.id, fire))])
            } catch {
                logger.error("cannot record the fire of \(spec.id): \(error)")
            }
            return nil
        }
    }

    /// Records a fire of a mirror's schedule and, when the sync can start, `mirror.started` in the same append.
    ///
    /// A fire that cannot start a sync (a bucket that does not resolve, a run of the mirror still
    /// going on) is recorded with its `error`: it counts as the run for that fire time.
    func fireMirrorSchedule(_ spec: ScheduleSpec, _ fire: ScheduleRecord.Fire) -> MirrorJob? {
        var fire = fire
        let run = BackupManifest.newID(at: Date())
        fire.run = run
        do {
            let job = try beginMirrorSync(
                spec.dependency, actor: "steward", run: run, recordedFirst: [.schedule(.fired(spec.id, fire))])
            logger.info("schedule \(spec.id): sync \(run) for \(StewardDate.format(fire.scheduledFor)) (missed \(fire.missed))")
            return job
        } catch {
            fire.run = nil
            fire.error = "\(error)"
            logger.warning("schedule \(spec.id): no sync for \(StewardDate.format(fire.scheduledFor)): \(error)")
            do {
                try record([.schedule(.fired(spec.id, fire))])
            } catch {
                logger.error("cannot record the fire of \(spec.id): \(error)")
            }
            return nil
        }
    }

    /// Takes (and verifies) a scheduled backup, then applies retention to the dependency in its environment.
    nonisolated func carryOut(_ run: ScheduledBackup) async {
        let engine = BackupEngine(store: run.store, logger: logger)
        await takeBackup(
            engine, id: run.backup, url: run.url, environment: run.environment, dependency: run.dependency,
            verify: run.verify, queries: run.integrityQueries, actor: "steward")
        guard await backupOperations[run.backup]?.state == .succeeded else { return }
        do {
            _ = try await pruneBackups(environment: run.environment, dependency: run.dependency, dryRun: false, actor: "steward")
        } catch {
            logger.error("schedule \(run.schedule): prune after backup \(run.backup) failed: \(error)")
        }
    }

    /// Sleeps until `wake` (forever when nil), or until the stack changes, or cancellation.
    nonisolated func waitForSchedules(until wake: Date?) async {
        let clock = scheduleClock
        let wakeup = scheduleWakeup
        await withTaskGroup(of: Void.self) { group in
            if let wake { group.addTask { try? await clock.sleep(until: wake) } }
            group.addTask { await wakeup.wait() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Every schedule of the stack with its record and next fire time, as `steward backup schedules` shows them
    /// (with `environment`, only that environment's backups: mirrors belong to none).
    public func schedules(environment: String? = nil) -> [ScheduleView] {
        guard let stack = state.stack else { return [] }
        let now = scheduleClock.now()
        return stack.schedules.filter { environment == nil || $0.environment == environment }.map { spec in
            let record = state.schedules[spec.id]
            let next: Date?
            if let record {
                switch ScheduleDecision.due(spec, record: record, now: now) {
                case .wait(let until): next = until
                case .runNow: next = now
                }
            } else {
                next = spec.cron.nextFire(after: now, in: spec.zone)
            }
            let running: Bool
            switch spec.kind {
            case .backup:
                running = record?.lastFire?.backup.flatMap { backupOperations[$0] }.map { $0.state == .running } ?? false
            case .mirror:
                running = mirrorOperations[spec.dependency].map { $0.state == .running && $0.run == record?.lastFire?.run } ?? false
            }
            let mirror = spec.kind == .mirror
            return ScheduleView(
                id: spec.id, kind: spec.kind.rawValue, dependency: mirror ? nil : spec.dependency,
                environment: mirror ? nil : spec.environment, mirror: mirror ? spec.dependency : nil, cron: spec.cron.source,
                timeZone: spec.timeZone, nextFireAt: next, armedAt: record?.armedAt, lastRun: record?.lastFire, running: running, missedRunPolicy: ScheduleView.policy)
        }
    }
}

/// One schedule as the API shows it (`GET /api/v1/backups/schedules`): a backup's or a mirror's.
public struct ScheduleView: Sendable, Codable, Equatable {
    /// What happens after a downtime, in words.
    public static let policy = "a fire time missed while the control plane was down runs once when it is back; never a burst"

    /// `backup:DEPENDENCY:ENVIRONMENT` or `mirror:NAME`.
    public var id: String
    /// `backup` or `mirror`.
    public var kind: String
    /// backup: the dependency and the environment it is taken in.
    public var dependency: String?
    public var environment: String?
    /// mirror: the mirror's name.
    public var mirror: String?
    public var cron: String
    public var timeZone: String
    /// When it fires next (now when it is due); nil when the expression never fires.
    public var nextFireAt: Date?
    /// When the scheduler began counting this expression's fire times; nil before the scheduler saw it.
    public var armedAt: Date?
    /// The last fire recorded: what it stood for, when it started, what it started or why it did not.
    public var lastRun: ScheduleRecord.Fire?
    /// True while the backup of the last run is being taken or verified (the mirror synced).
    public var running: Bool
    public var missedRunPolicy: String
}
