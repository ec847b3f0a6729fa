import Foundation

/// A restore pgBackRest has written into a new data directory: not started yet.
public struct PgBackRestRestore: Sendable, Equatable {
    /// The stanza restored.
    public var stanza: String
    /// The new data directory (never the live one).
    public var dataDirectory: String
    /// The backup recovery starts from: the newest one that finished before ``target``.
    public var backup: PgBackRestBackup
    /// The moment recovery stops at: the last transaction committed at or before it is kept.
    public var target: Date

    public init(stanza: String, dataDirectory: String, backup: PgBackRestBackup, target: Date) {
        self.stanza = stanza
        self.dataDirectory = dataDirectory
        self.backup = backup
        self.target = target
    }

    /// `target` as PostgreSQL's `recovery_target_time` takes it: UTC to the microsecond (PostgreSQL's
    /// own resolution), `2026-11-26 09:26:07.180037+00`.
    public static func recoveryTargetText(_ target: Date) -> String {
        // Nearest, not down: a Date read from `extract(epoch …)` is a double a hair below the microsecond it came from.
        let microseconds = Int64((target.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + "-\(two(parts.month))-\(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))." + String(format: "%06lld", fraction) + "+00"
    }
}
