import Foundation

/// A parsed five-field cron expression: `minute hour day-of-month month day-of-week`.
///
/// The grammar is the one `steward validate` checks (``StackFile``'s cron check): each field is
/// `*` or a comma list of values, ranges `a-b` and steps `*/n`, `a-b/n` or `a/n` (from `a` to the
/// field's end); months take `JAN`…`DEC`, days of the week `SUN`…`SAT` (0 and 7 are Sunday);
/// `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually` stand for their
/// usual expressions. As in Vixie cron and croniter, when both day fields are restricted a day
/// matches either of them; when one starts with `*` a day must match both.
///
/// ``nextFire(after:in:)`` is pure: the instant and the time zone are given, nothing reads a clock.
///
/// ```swift
/// let nightly = try CronExpression(parsing: "30 2 * * *")
/// let next = nightly.nextFire(after: now, in: TimeZone(identifier: "America/New_York")!)
/// ```
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    /// Bit `n` set: value `n` matches (minutes 0–59, hours 0–23, days 1–31, months 1–12, weekdays 0–6).
    let minutes: UInt64
    let hours: UInt64
    let days: UInt64
    let months: UInt64
    let weekdays: UInt64
    /// The day-of-month / day-of-week field starts with `*` (see the type's comment).
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool

    /// An expression that is not valid; ``reason`` says what is wrong.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Parses an expression.
    /// - Throws: ``ParseError`` naming the field that is wrong.
    public init(parsing text: String) throws {
        if let problem = StackFile.Cron.problem(in: text) { throw ParseError(reason: problem) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let macros = [
            "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
            "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
        ]
        let expanded = trimmed.hasPrefix("@") ? macros[trimmed.lowercased()] ?? trimmed : trimmed
        let fields = expanded.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        source = trimmed
        minutes = Self.bits(fields[0], range: 0...59, names: [])
        hours = Self.bits(fields[1], range: 0...23, names: [])
        days = Self.bits(fields[2], range: 1...31, names: [])
        months = Self.bits(fields[3], range: 1...12, names: Self.monthNames)
        var weekdays = Self.bits(fields[4], range: 0...7, names: Self.weekdayNames, star: 0...6)
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }  // 7 is Sunday
        self.weekdays = weekdays
        dayOfMonthStar = fields[2].hasPrefix("*")
        dayOfWeekStar = fields[4].hasPrefix("*")
    }

    public var description: String { source }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// The values a (validated) field selects, as bits.
    private static func bits(_ field: String, range: ClosedRange<Int>, names: [String], star: ClosedRange<Int>? = nil)
        -> UInt64
    {
        func value(_ text: Substring) -> Int {
            if let index = names.firstIndex(of: text.uppercased()) { return range.lowerBound + index }
            return Int(text) ?? range.lowerBound
        }
        var result: UInt64 = 0
        for element in field.split(separator: ",") {
            let pieces = element.split(separator: "/", omittingEmptySubsequences: false)
            let step = pieces.count == 2 ? Int(pieces[1]) ?? 1 : 1
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = star ?? range
            } else {
                let ends = pieces[0].split(separator: "-")
                let first = value(ends[0])
                // `a/n` runs from a to the end of the field, as in croniter and cronie.
                let last = ends.count == 2 ? value(ends[1]) : (pieces.count == 2 ? (star ?? range).upperBound : first)
                span = first...max(first, last)
            }
            for number in stride(from: span.lowerBound, through: span.upperBound, by: step) { result |= 1 << UInt64(number) }
        }
        return result
    }

    /// Whether the expression selects a local calendar day.
    func matches(month: Int, day: Int, weekday: Int) -> Bool {
        guard months & (1 << UInt64(month)) != 0 else { return false }
        let dayMatches = days & (1 << UInt64(day)) != 0
        let weekdayMatches = weekdays & (1 << UInt64(weekday)) != 0
        return dayOfMonthStar || dayOfWeekStar ? dayMatches && weekdayMatches : dayMatches || weekdayMatches
    }
}
