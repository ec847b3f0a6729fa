import Foundation

/// The scheduler's decisions, pure: which schedules to arm or disarm, and whether one is due.
///
/// **The missed-run policy.** A schedule remembers (in the log) the last fire time it ran for,
/// or when it was armed. When the control plane comes back after a downtime and one or more fire
/// times passed meanwhile, the schedule runs **once, now**, standing for the latest missed fire
/// time, and reports how many earlier ones it skipped; it never runs a burst to catch up. The same
/// holds for a fire that comes while the scheduler was busy.
public enum ScheduleDecision {
    /// What a schedule should do at `now`.
    public enum Due: Sendable, Equatable {
        /// Nothing yet; the next fire time (nil: the expression never fires).
        case wait(until: Date?)
        /// Run now, for the fire time `scheduledFor` (≤ now), having skipped `missed` earlier ones.
        case runNow(scheduledFor: Date, missed: Int)
    }

    /// At most this many missed fire times are counted (a minutely schedule down for a year stops here).
    public static let missedCountLimit = 10_000

    /// Whether `spec` is due at `now`, given its record in the log.
    ///
    /// The count starts after the latest of: when it was armed, the last fire time it ran for and
    /// when that run started. A run that started late therefore never makes the fire times it
    /// overlapped due again.
    public static func due(_ spec: ScheduleSpec, record: ScheduleRecord, now: Date) -> Due {
        let zone = spec.zone
        var reference = record.armedAt
        if let last = record.lastFire { reference = max(reference, last.scheduledFor, last.firedAt) }
        guard let first = spec.cron.nextFire(after: reference, in: zone) else { return .wait(until: nil) }
        guard first <= now else { return .wait(until: first) }
        var latest = first
        var missed = 0
        while missed < missedCountLimit, let next = spec.cron.nextFire(after: latest, in: zone), next <= now {
            latest = next
            missed += 1
        }
        return .runNow(scheduledFor: latest, missed: missed)
    }

    /// The `schedule.armed` / `schedule.disarmed` events that bring the log in line with the stack.
    ///
    /// A schedule the log does not know, or knows with another expression or zone, is armed at
    /// `now` (its count starts then: a new or changed schedule waits for its next fire time, and
    /// keeps its last run); one the log knows that the stack no longer declares is disarmed.
    public static func reconcile(_ specs: [ScheduleSpec], records: [String: ScheduleRecord], now: Date) -> [ScheduleEvent] {
        var events = [ScheduleEvent]()
        for spec in specs {
            let known = records[spec.id]
            guard known?.cron != spec.cron.source || known?.timeZone != spec.timeZone else { continue }
            var armed = ScheduleEvent(.armed, schedule: spec.id)
            armed.cron = spec.cron.source
            armed.timeZone = spec.timeZone
            armed.at = now
            events.append(armed)
        }
        let wanted = Set(specs.map(\.id))
        for id in records.keys.sorted() where !wanted.contains(id) {
            var disarmed = ScheduleEvent(.disarmed, schedule: id)
            disarmed.at = now
            events.append(disarmed)
        }
        return events
    }
}
