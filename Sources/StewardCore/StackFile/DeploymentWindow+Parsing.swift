import Foundation

extension DeploymentWindow {
    /// Why a window string is not a window: the part found and what belonged there.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The offending part, or empty when the window ended too early.
        public var found: String
        public var expected: String

        public init(found: String, expected: String) {
            self.found = found
            self.expected = expected
        }

        public var description: String {
            found.isEmpty ? "the window ends early; expected \(expected)" : "found '\(found)', expected \(expected)"
        }
    }

    /// The grammar, for messages.
    public static let grammar =
        "DAYS HH:MM-HH:MM ZONE, such as 'Sun 02:00-06:00 UTC' or 'Mon-Fri 22:00-02:00 Europe/London'"

    /// Parses `DAYS HH:MM-HH:MM ZONE`.
    ///
    /// - DAYS: a day (`Sun`, `sunday`), a range (`Mon-Fri`, wrapping allowed: `Fri-Mon`),
    ///   a comma list of those (`Sat,Sun`, `Mon-Wed,Fri`), or `daily`
    /// - HH:MM-HH:MM: the opening and closing time, 24-hour; the end may be `24:00`; an end
    ///   before the start crosses midnight (the window belongs to the day it opens on)
    /// - ZONE: `UTC` or an IANA name known to the system (`Europe/London`)
    public init(parsing text: String) throws(ParseError) {
        let source = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let words = source.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let daysExpected = "days such as Sun, Mon-Fri, Sat,Sun or daily"
        let timesExpected = "opening and closing times such as 02:00-06:00"
        let zoneExpected = "a time zone such as UTC or Europe/London"
        guard !words.isEmpty else { throw ParseError(found: "", expected: daysExpected) }

        // DAYS may contain spaces after commas ("Sat, Sun"); the times are the first word with a ':'.
        guard let timesIndex = words.firstIndex(where: { $0.contains(":") }) else {
            if words.count == 1 { throw ParseError(found: "", expected: timesExpected) }
            throw ParseError(found: words[1], expected: timesExpected)
        }
        guard timesIndex > 0 else { throw ParseError(found: words[0], expected: daysExpected) }
        let weekdays = try Self.weekdays(words[..<timesIndex].joined(), expected: daysExpected)

        let times = words[timesIndex]
        let ends = times.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = Self.minute(ends[0], allowEndOfDay: false),
            let end = Self.minute(ends[1], allowEndOfDay: true)
        else { throw ParseError(found: times, expected: timesExpected) }
        guard start != end else {
            throw ParseError(found: times, expected: "a closing time different from the opening time")
        }

        guard timesIndex + 1 < words.count else { throw ParseError(found: "", expected: zoneExpected) }
        let zone = words[timesIndex + 1]
        guard TimeZone(identifier: zone) != nil else { throw ParseError(found: zone, expected: zoneExpected) }
        if timesIndex + 2 < words.count {
            throw ParseError(found: words[timesIndex + 2], expected: "the end of the window after the time zone")
        }
        self.init(weekdays: weekdays, startMinute: start, endMinute: end, timeZone: zone, source: source)
    }

    private static let dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// ISO weekday (1 = Monday) of `mon`, `Mon`, `monday`.
    private static func weekday(_ text: Substring) -> Int? {
        let lower = text.lowercased()
        guard lower.count >= 3 else { return nil }
        return dayNames.firstIndex { $0.hasPrefix(lower) }.map { $0 + 1 }
    }

    private static func weekdays(_ text: String, expected: String) throws(ParseError) -> [Int] {
        if ["daily", "*"].contains(text.lowercased()) { return Array(1...7) }
        var days = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let first = weekday(ends[0]), let last = weekday(ends[ends.count - 1])
            else { throw ParseError(found: String(part), expected: expected) }
            var day = first
            days.insert(day)
            while day != last {
                day = day % 7 + 1
                days.insert(day)
            }
        }
        return days.sorted()
    }

    /// Minutes after midnight of `HH:MM`.
    private static func minute(_ text: Substring, allowEndOfDay: Bool) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        if allowEndOfDay, hour == 24, minute == 0 { return 24 * 60 }
        guard hour < 24, minute < 60 else { return nil }
        return hour * 60 + minute
    }
}
