import Foundation

/// Payload of ``StewardEvent/schedule(_:)``: the scheduler's memory (`schedule.*`).
///
/// In the log (v1), subject `schedule/ID` (`backup:DEPENDENCY:ENVIRONMENT` or `mirror:NAME`), every payload
/// `{"v":1, "schedule":ID, …}` plus the fields of its type (`docs/events.md`):
/// - `schedule.armed` — `cron, timeZone, at`: the scheduler counts fire times of this expression from `at`.
/// - `schedule.fired` — `scheduledFor, firedAt, missed, backup?, run?, error?`: a run for the fire time
///   `scheduledFor` started at `firedAt` (written before its work, in the same append as
///   `backup.started` or `mirror.started`), or could not start (`error`).
/// - `schedule.disarmed` — `at`: the stack no longer declares it; its record is dropped.
public struct ScheduleEvent: Sendable, Equatable, Codable {
    /// What happened; written as the event type, not in the payload.
    public enum Change: String, Sendable, CaseIterable { case armed, fired, disarmed }

    enum CodingKeys: String, CodingKey {
        case v, schedule, cron, timeZone, at, scheduledFor, firedAt, missed, backup, run, error
    }

    public var change: Change
    /// `backup:DEPENDENCY:ENVIRONMENT`.
    public var schedule: String
    /// armed: the expression and its zone.
    public var cron: String?
    public var timeZone: String?
    /// armed, disarmed: when.
    public var at: Date?
    /// fired: the fire time the run stands for, and when it started.
    public var scheduledFor: Date?
    public var firedAt: Date?
    /// fired: earlier fire times since the previous run that were not run.
    public var missed: Int?
    /// fired: the backup it started.
    public var backup: String?
    /// fired: the mirror run it started.
    public var run: String?
    /// fired: why nothing was started.
    public var error: String?

    /// Creates a payload; set the fields of its type after.
    public init(_ change: Change, schedule: String) {
        self.change = change
        self.schedule = schedule
    }

    /// A `schedule.fired` payload.
    public static func fired(_ schedule: String, _ fire: ScheduleRecord.Fire) -> ScheduleEvent {
        var event = ScheduleEvent(.fired, schedule: schedule)
        event.scheduledFor = fire.scheduledFor
        event.firedAt = fire.firedAt
        event.missed = fire.missed
        event.backup = fire.backup
        event.run = fire.run
        event.error = fire.error
        return event
    }

    /// The event type: `schedule.armed`, `schedule.fired`, `schedule.disarmed`.
    public var type: String { "schedule.\(change.rawValue)" }

    /// The subject: `schedule/ID`.
    public var subject: String { "schedule/\(schedule)" }

    /// Every `schedule.*` type this code reads.
    public static var types: [String] { Change.allCases.map { "schedule.\($0.rawValue)" } }

    /// Reads the payload; ``change`` is `.armed` until the caller sets it from the type, which
    /// then checks the fields its type needs (``validated()``).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        change = .armed
        schedule = try c.decode(String.self, forKey: .schedule)
        cron = try c.decodeIfPresent(String.self, forKey: .cron)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        at = try c.decodeDateIfPresent(forKey: .at)
        scheduledFor = try c.decodeDateIfPresent(forKey: .scheduledFor)
        firedAt = try c.decodeDateIfPresent(forKey: .firedAt)
        missed = try c.decodeIfPresent(Int.self, forKey: .missed)
        backup = try c.decodeIfPresent(String.self, forKey: .backup)
        run = try c.decodeIfPresent(String.self, forKey: .run)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        try c.encode(schedule, forKey: .schedule)
        try c.encodeIfPresent(cron, forKey: .cron)
        try c.encodeIfPresent(timeZone, forKey: .timeZone)
        try c.encodeDateIfPresent(at, forKey: .at)
        try c.encodeDateIfPresent(scheduledFor, forKey: .scheduledFor)
        try c.encodeDateIfPresent(firedAt, forKey: .firedAt)
        try c.encodeIfPresent(missed, forKey: .missed)
        try c.encodeIfPresent(backup, forKey: .backup)
        try c.encodeIfPresent(run, forKey: .run)
        try c.encodeIfPresent(error, forKey: .error)
    }

    /// The payload with the change set from its type, refusing one without the fields that type needs.
    func validated(as change: Change) throws -> ScheduleEvent {
        var value = self
        value.change = change
        let missing: String? =
            switch change {
            case .armed: cron == nil ? "cron" : timeZone == nil ? "timeZone" : at == nil ? "at" : nil
            case .fired: scheduledFor == nil ? "scheduledFor" : firedAt == nil ? "firedAt" : missed == nil ? "missed" : nil
            case .disarmed: at == nil ? "at" : nil
            }
        if let missing {
            throw DecodingError.keyNotFound(
                CodingKeys(stringValue: missing)!, .init(codingPath: [], debugDescription: "missing field '\(missing)'"))
        }
        return value
    }
}

extension [String: ScheduleRecord] {
    /// Folds one `schedule.*` event (``StackState/apply(_:)``).
    mutating func apply(_ event: ScheduleEvent) {
        switch event.change {
        case .armed:
            let armedAt = event.at ?? .distantPast
            if var record = self[event.schedule] {
                record.cron = event.cron ?? record.cron
                record.timeZone = event.timeZone ?? record.timeZone
                record.armedAt = armedAt
                self[event.schedule] = record
            } else {
                self[event.schedule] = ScheduleRecord(cron: event.cron ?? "", timeZone: event.timeZone ?? "UTC", armedAt: armedAt)
            }
        case .fired:
            guard let scheduledFor = event.scheduledFor, let firedAt = event.firedAt else { return }
            let fire = ScheduleRecord.Fire(
                scheduledFor: scheduledFor, firedAt: firedAt, missed: event.missed ?? 0, backup: event.backup, run: event.run,
                error: event.error)
            // A fire of a schedule the log never armed (written by hand) still counts as its last run;
            // the empty expression makes the scheduler arm it, keeping this run.
            self[event.schedule, default: ScheduleRecord(cron: "", timeZone: "", armedAt: scheduledFor)].lastFire = fire
        case .disarmed:
            self[event.schedule] = nil
        }
    }
}

/// One schedule in a checkpoint's `state.schedules`: `{"schedule", "cron", "timeZone", "armedAt",
/// "lastFire"?: {"scheduledFor", "firedAt", "missed", "backup"?, "run"?, "error"?}}`.
struct ScheduleStatePayload: Codable {
    enum CodingKeys: String, CodingKey { case schedule, cron, timeZone, armedAt, lastFire }
    enum FireKeys: String, CodingKey { case scheduledFor, firedAt, missed, backup, run, error }

    var id: String
    var record: ScheduleRecord

    init(id: String, record: ScheduleRecord) {
        self.id = id
        self.record = record
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .schedule)
        record = ScheduleRecord(
            cron: try c.decode(String.self, forKey: .cron), timeZone: try c.decode(String.self, forKey: .timeZone),
            armedAt: try c.decodeDate(forKey: .armedAt))
        if c.contains(.lastFire) {
            let f = try c.nestedContainer(keyedBy: FireKeys.self, forKey: .lastFire)
            record.lastFire = ScheduleRecord.Fire(
                scheduledFor: try f.decodeDate(forKey: .scheduledFor), firedAt: try f.decodeDate(forKey: .firedAt),
                missed: try f.decode(Int.self, forKey: .missed), backup: try f.decodeIfPresent(String.self, forKey: .backup),
                run: try f.decodeIfPresent(String.self, forKey: .run), error: try f.decodeIfPresent(String.self, forKey: .error))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .schedule)
        try c.encode(record.cron, forKey: .cron)
        try c.encode(record.timeZone, forKey: .timeZone)
        try c.encodeDate(record.armedAt, forKey: .armedAt)
        if let fire = record.lastFire {
            var f = c.nestedContainer(keyedBy: FireKeys.self, forKey: .lastFire)
            try f.encodeDate(fire.scheduledFor, forKey: .scheduledFor)
            try f.encodeDate(fire.firedAt, forKey: .firedAt)
            try f.encode(fire.missed, forKey: .missed)
            try f.encodeIfPresent(fire.backup, forKey: .backup)
            try f.encodeIfPresent(fire.run, forKey: .run)
            try f.encodeIfPresent(fire.error, forKey: .error)
        }
    }
}
