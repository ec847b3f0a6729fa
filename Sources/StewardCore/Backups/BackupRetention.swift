import Foundation

/// What retention knows about one stored backup.
public struct RetainedBackup: Sendable, Equatable, Hashable {
    public var id: String
    public var createdAt: Date
    public var environment: String
    /// The dependency it is a backup of; retention is decided per environment and dependency.
    public var dependency: String
    /// True once a restore into a scratch database passed.
    public var verified: Bool

    public init(id: String, createdAt: Date, environment: String, dependency: String, verified: Bool) {
        self.id = id
        self.createdAt = createdAt
        self.environment = environment
        self.dependency = dependency
        self.verified = verified
    }
}

/// Retention's answer for one backup: keep or delete, and why.
public struct RetentionDecision: Sendable, Equatable {
    public var backup: RetainedBackup
    public var keep: Bool
    /// Every rule that keeps it ("one of the last 3", "daily 2026-11-25"), or why it goes.
    public var reasons: [String]

    public init(backup: RetainedBackup, keep: Bool, reasons: [String]) {
        self.backup = backup
        self.keep = keep
        self.reasons = reasons
    }
}

/// Which backups a ``RetentionSpec`` keeps. Pure: `now` is an argument, never read from a clock.
///
/// Rules, per environment and dependency:
/// - Each rule *keeps* backups; a backup no rule keeps is deleted. `maxAge` keeps the backups
///   younger than it, `keepLast` the newest N, `keepDaily`/`keepWeekly`/`keepMonthly` one backup
///   per calendar day / ISO week / month (UTC) for the N newest periods that have one, preferring
///   the newest verified backup of the period. So `maxAge: 30d, keepMonthly: 12` keeps a month of
///   backups and a year of monthlies (restic's union, not a cap).
/// - The newest verified backup is always kept, whatever its age; with no verified backup at all,
///   the newest backup is kept. A clock that jumps forward can never empty the store.
/// - An environment without a policy keeps everything.
public enum BackupRetention {
    /// One decision per backup, newest first within each environment and dependency.
    public static func decide(
        _ backups: [RetainedBackup], policies: [String: RetentionSpec], now: Date
    ) -> [RetentionDecision] {
        let groups = Dictionary(grouping: backups) { GroupKey(environment: $0.environment, dependency: $0.dependency) }
        return groups.keys.sorted().flatMap { key in
            decide(groups[key]!, policy: policies[key.environment], now: now)
        }
    }

    /// Decisions for the backups of one environment and dependency under `policy`.
    public static func decide(_ backups: [RetainedBackup], policy: RetentionSpec?, now: Date) -> [RetentionDecision] {
        // Newest first; equal times by id so the answer never depends on input order.
        let sorted = backups.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        var reasons = [String: [String]]()
        func keep(_ backup: RetainedBackup, _ reason: String) { reasons[backup.id, default: []].append(reason) }

        if let newestVerified = sorted.first(where: \.verified) {
            keep(newestVerified, "the newest verified backup (always kept)")
        } else if let newest = sorted.first {
            keep(newest, "the newest backup, and none is verified (always kept)")
        }
        guard let policy else {
            for backup in sorted { keep(backup, "no retention policy for \(backup.environment)") }
            return decisions(sorted, reasons, policy: nil)
        }
        if let maxAge = policy.maxAge {
            for backup in sorted where age(of: backup, now: now) <= Double(maxAge.milliseconds) / 1000 {
                keep(backup, "younger than \(maxAge)")
            }
        }
        if let count = policy.keepLast {
            for backup in sorted.prefix(count) { keep(backup, "one of the last \(count)") }
        }
        for (count, period) in [(policy.keepDaily, Period.day), (policy.keepWeekly, .week), (policy.keepMonthly, .month)] {
            guard let count, count > 0 else { continue }
            for (label, backup) in representatives(sorted, period: period).prefix(count) {
                keep(backup, "\(period.rawValue) \(label)")
            }
        }
        return decisions(sorted, reasons, policy: policy)
    }

    private static func decisions(
        _ sorted: [RetainedBackup], _ reasons: [String: [String]], policy: RetentionSpec?
    ) -> [RetentionDecision] {
        sorted.map { backup in
            if let kept = reasons[backup.id] { return RetentionDecision(backup: backup, keep: true, reasons: kept) }
            return RetentionDecision(
                backup: backup, keep: false, reasons: ["no rule keeps it (\(policy.map(describe) ?? ""))"])
        }
    }

    /// Seconds since the backup was taken; a backup "from the future" (clock skew) is zero seconds old.
    private static func age(of backup: RetainedBackup, now: Date) -> Double {
        max(0, now.timeIntervalSince(backup.createdAt))
    }

    /// The kept backup of each period, newest period first: its newest verified backup, else its newest.
    private static func representatives(_ sorted: [RetainedBackup], period: Period) -> [(String, RetainedBackup)] {
        var order = [String]()
        var chosen = [String: RetainedBackup]()
        for backup in sorted {
            let label = period.label(backup.createdAt)
            guard let current = chosen[label] else {
                order.append(label)
                chosen[label] = backup
                continue
            }
            if !current.verified && backup.verified { chosen[label] = backup }
        }
        return order.map { ($0, chosen[$0]!) }
    }

    /// The policy as written, for the reason of a deletion.
    static func describe(_ policy: RetentionSpec) -> String {
        var parts = [String]()
        if let value = policy.maxAge { parts.append("maxAge \(value)") }
        if let value = policy.keepLast { parts.append("keepLast \(value)") }
        if let value = policy.keepDaily { parts.append("keepDaily \(value)") }
        if let value = policy.keepWeekly { parts.append("keepWeekly \(value)") }
        if let value = policy.keepMonthly { parts.append("keepMonthly \(value)") }
        return parts.joined(separator: ", ")
    }

    private struct GroupKey: Hashable, Comparable {
        var environment: String
        var dependency: String
        static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
            (lhs.environment, lhs.dependency) < (rhs.environment, rhs.dependency)
        }
    }

    /// Calendar periods in UTC.
    enum Period: String {
        case day = "daily", week = "weekly", month = "monthly"

        func label(_ date: Date) -> String {
            // ISO 8601 weeks: Monday first, week 1 holds the year's first Thursday.
            var calendar = Calendar(identifier: .gregorian)
            calendar.firstWeekday = 2
            calendar.minimumDaysInFirstWeek = 4
            calendar.timeZone = TimeZone(identifier: "UTC")!
            switch self {
            case .day:
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            case .week:
                let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                return String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
            case .month:
                let parts = calendar.dateComponents([.year, .month], from: date)
                return String(format: "%04d-%02d", parts.year!, parts.month!)
            }
        }
    }
}
