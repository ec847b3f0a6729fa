import Foundation

extension CronExpression {
    /// How far ahead ``nextFire(after:in:)`` looks: 30 years covers every leap-day and weekday
    /// combination (the calendar repeats every 28 years between century years).
    static let searchDays = 366 * 30

    /// The first instant strictly after `instant` at which the expression fires in `timeZone`.
    ///
    /// The expression selects local wall-clock minutes. Where daylight saving time moves the
    /// clock, each selected local minute fires at most once:
    /// - **A skipped local time** (the clock jumps from 02:00 to 03:00) fires once at the first
    ///   valid minute after the gap (03:00 local); several skipped times collapse into that one run.
    /// - **A repeated local time** (01:00–01:59 happens twice when the clock falls back) fires once,
    ///   at its first occurrence; the second pass of the hour fires nothing. An hourly schedule thus
    ///   fires at 01:00 (first pass) and next at 02:00, two real hours later.
    ///
    /// - Parameters:
    ///   - instant: The moment after which to look (a previous fire time, or now).
    ///   - timeZone: The zone whose wall clock the expression reads.
    /// - Returns: The next fire time, whole minutes (or the end of a gap); nil when the expression
    ///   never fires (such as `0 0 30 2 *`).
    public func nextFire(after instant: Date, in timeZone: TimeZone) -> Date? {
        let after = Int64(instant.timeIntervalSince1970.rounded(.down))
        let local = after + Int64(timeZone.secondsFromGMT(for: instant))
        let firstDay = Self.floorDivide(local, 86_400)
        var fromMinute = Int(Self.floorModulo(local, 86_400) / 60) + 1
        for day in firstDay..<(firstDay + Int64(Self.searchDays)) {
            defer { fromMinute = 0 }
            let (_, month, dayOfMonth) = Self.civil(fromDays: day)
            let weekday = Int(Self.floorModulo(day + 4, 7))  // 1970-01-01 was a Thursday
            guard matches(month: month, day: dayOfMonth, weekday: weekday) else { continue }
            for hour in 0..<24 where hours & (1 << UInt64(hour)) != 0 && (hour + 1) * 60 > fromMinute {
                for minute in 0..<60 where minutes & (1 << UInt64(minute)) != 0 && hour * 60 + minute >= fromMinute {
                    let wallClock = day * 86_400 + Int64(hour * 3600 + minute * 60)
                    let fire = Self.instant(ofWallClock: wallClock, in: timeZone)
                    if fire > after { return Date(timeIntervalSince1970: TimeInterval(fire)) }
                }
            }
        }
        return nil
    }

    /// The instant (seconds since 1970) a local wall-clock time stands for, in `timeZone`.
    ///
    /// `wallClock` is the local time counted as if it were UTC. A time that happens twice gives
    /// the earlier instant; a time that does not happen (inside a gap) gives the end of the gap.
    static func instant(ofWallClock wallClock: Int64, in timeZone: TimeZone) -> Int64 {
        func offset(_ seconds: Int64) -> Int64 {
            Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        }
        // A day either side holds the offsets in force around it (zones change at most once a day).
        let offsets = Set([offset(wallClock - 86_400), offset(wallClock + 86_400)])
        let valid = offsets.map { wallClock - $0 }.filter { offset($0) == wallClock - $0 }
        if let earliest = valid.min() { return earliest }
        guard let low = offsets.max(), let high = offsets.min(), low != high else { return wallClock - offsets.first! }
        // In a gap: the transition lies between the instant read with the later offset and with the earlier one.
        var before = wallClock - low  // still the earlier offset
        var after = wallClock - high  // already the later one
        let earlier = offset(before)
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if offset(middle) == earlier { before = middle } else { after = middle }
        }
        return after
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { (a - floorModulo(a, b)) / b }
    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}
