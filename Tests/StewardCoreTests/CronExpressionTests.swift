import Foundation
import StewardCore
import Testing

/// Next fire times of cron expressions, with explicit instants and zones (no clock).
struct CronExpressionTests {
    static let newYork = TimeZone(identifier: "America/New_York")!
    static let utc = TimeZone(identifier: "UTC")!

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func next(_ cron: String, after: String, in zone: TimeZone = utc) throws -> Date? {
        try CronExpression(parsing: cron).nextFire(after: at(after), in: zone)
    }

    /// The fire times after `start`, one after the other.
    static func sequence(_ cron: String, from start: String, in zone: TimeZone, count: Int) throws -> [Date] {
        let expression = try CronExpression(parsing: cron)
        var times = [Date]()
        var after = at(start)
        for _ in 0..<count {
            guard let next = expression.nextFire(after: after, in: zone) else { break }
            times.append(next)
            after = next
        }
        return times
    }

    /// Strictly after: a fire time given as `after` gives the next one.
    @Test func nextIsStrictlyAfter() throws {
        #expect(try Self.next("0 2 * * *", after: "2026-01-01T02:00:00Z") == Self.at("2026-01-02T02:00:00Z"))
        #expect(try Self.next("0 2 * * *", after: "2026-01-01T01:59:59Z") == Self.at("2026-01-01T02:00:00Z"))
        #expect(try Self.next("* * * * *", after: "2026-01-01T10:00:30Z") == Self.at("2026-01-01T10:01:00Z"))
    }

    /// Lists, ranges, steps (`a/n` runs to the field's end), names, 7 as Sunday and the macros.
    @Test func fieldsAndMacros() throws {
        #expect(
            try Self.sequence("5/20 * * * *", from: "2026-01-01T00:00:00Z", in: Self.utc, count: 4)
                == ["2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z", "2026-01-01T01:05:00Z"].map(Self.at))
        #expect(
            try Self.sequence("0 9-17/4 * * MON-FRI", from: "2026-01-02T10:00:00Z", in: Self.utc, count: 3)
                == ["2026-01-02T13:00:00Z", "2026-01-02T17:00:00Z", "2026-01-05T09:00:00Z"].map(Self.at))
        // 2026-01-04 is a Sunday.
        #expect(try Self.next("0 9 * * 7", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-04T09:00:00Z"))
        #expect(try Self.next("0 9 * JAN,MAR SUN", after: "2026-01-31T00:00:00Z") == Self.at("2026-03-01T09:00:00Z"))
        #expect(try Self.next("@weekly", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-04T00:00:00Z"))
        #expect(try Self.next("@daily", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-02T00:00:00Z"))
        #expect(try Self.next("@hourly", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-01T01:00:00Z"))
        #expect(try Self.next("@monthly", after: "2026-01-01T00:00:00Z") == Self.at("2026-02-01T00:00:00Z"))
        #expect(try Self.next("@yearly", after: "2026-01-01T00:00:00Z") == Self.at("2027-01-01T00:00:00Z"))
    }

    /// Both day fields restricted: either matches; one starting with `*`: both must.
    @Test func dayOfMonthAndDayOfWeek() throws {
        // 2026-01-02 is a Friday; the 13th comes later.
        #expect(try Self.next("0 0 13 * FRI", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-02T00:00:00Z"))
        // Odd days that are Mondays: 2026-01-05.
        #expect(try Self.next("0 0 */2 * MON", after: "2026-01-01T00:00:00Z") == Self.at("2026-01-05T00:00:00Z"))
        #expect(try Self.next("0 0 1 * *", after: "2026-01-01T00:00:00Z") == Self.at("2026-02-01T00:00:00Z"))
    }

    /// A leap day is found years ahead; a day that never comes gives nil.
    @Test func rareAndImpossibleDays() throws {
        #expect(try Self.next("0 0 29 2 *", after: "2026-03-01T00:00:00Z") == Self.at("2028-02-29T00:00:00Z"))
        #expect(try Self.next("0 0 30 2 *", after: "2026-01-01T00:00:00Z") == nil)
    }

    /// A zone without DST: the local midnight of Kolkata (+05:30) is 18:30 UTC the day before.
    @Test func fixedOffsetZone() throws {
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        #expect(try Self.next("0 0 * * *", after: "2026-01-01T00:00:00Z", in: kolkata) == Self.at("2026-01-01T18:30:00Z"))
    }

    /// Spring forward (New York, 2026-03-08: 02:00 EST becomes 03:00 EDT): 02:30 does not happen,
    /// so the daily 02:30 fires once at 03:00 EDT (07:00Z), and on the next day at 02:30 EDT again.
    @Test func skippedTimeFiresOnceAtTheEndOfTheGap() throws {
        #expect(
            try Self.sequence("30 2 * * *", from: "2026-03-07T08:00:00Z", in: Self.newYork, count: 3)
                == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"].map(Self.at))
    }

    /// Every skipped time of the gap collapses into one run at 03:00 EDT.
    @Test func severalSkippedTimesFireOnce() throws {
        #expect(
            try Self.sequence("*/15 2 * * *", from: "2026-03-08T06:50:00Z", in: Self.newYork, count: 2)
                == ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"].map(Self.at))
        // A schedule at 03:00 itself fires once that day too.
        #expect(
            try Self.sequence("0 2,3 * * *", from: "2026-03-08T06:00:00Z", in: Self.newYork, count: 2)
                == ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"].map(Self.at))
        // An hourly schedule: 01:00 EST, then 03:00 EDT (one real hour later), then 04:00 EDT.
        #expect(
            try Self.sequence("0 * * * *", from: "2026-03-08T05:30:00Z", in: Self.newYork, count: 3)
                == ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"].map(Self.at))
    }

    /// Fall back (New York, 2026-11-01: 02:00 EDT becomes 01:00 EST): 01:30 happens twice and
    /// fires once, at its first occurrence (01:30 EDT = 05:30Z); the next day it is 01:30 EST.
    @Test func repeatedTimeFiresOnce() throws {
        #expect(
            try Self.sequence("30 1 * * *", from: "2026-11-01T04:00:00Z", in: Self.newYork, count: 2)
                == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"].map(Self.at))
        // Looking from inside the second pass (01:10 EST) finds nothing more that day.
        #expect(
            try Self.next("30 1 * * *", after: "2026-11-01T06:10:00Z", in: Self.newYork) == Self.at("2026-11-02T06:30:00Z"))
        // Hourly: 01:00 EDT, then 02:00 EST — the second 01:00 does not fire.
        #expect(
            try Self.sequence("0 * * * *", from: "2026-11-01T04:30:00Z", in: Self.newYork, count: 3)
                == ["2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"].map(Self.at))
    }

    /// Invalid expressions are refused with the field that is wrong.
    @Test func invalidExpressionsAreRefused() {
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(parsing: "61 * * * *") }
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(parsing: "* * * *") }
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(parsing: "@often") }
    }
}
