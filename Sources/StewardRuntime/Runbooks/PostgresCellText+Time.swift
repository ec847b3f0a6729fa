import NIOCore
import PostgresNIO

extension PostgresCellText {
    /// Microseconds in a day, and days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
    private static let microsecondsPerDay: Int64 = 86_400_000_000
    private static let epochDays: Int64 = 10_957

    /// Binary dates and times as PostgreSQL prints them (ISO style): `2024-03-01`,
    /// `2024-03-01 12:30:00.25`, `2024-03-01 12:30:00+00`, `12:30:00`, `1 day 02:00:00`.
    static func timeText(_ bytes: inout ByteBuffer, type: PostgresDataType) -> String? {
        switch type {
        case .date:
            guard bytes.readableBytes == 4, let days = bytes.readInteger(as: Int32.self) else { return nil }
            if days == .max { return "infinity" }
            if days == .min { return "-infinity" }
            return dateText(days: Int64(days))
        case .timestamp, .timestamptz:
            guard bytes.readableBytes == 8, let micros = bytes.readInteger(as: Int64.self) else { return nil }
            if micros == .max { return "infinity" }
            if micros == .min { return "-infinity" }
            let (days, time) = floorDivision(micros, microsecondsPerDay)
            var text = dateText(days: days, time: clockText(time))
            if type == .timestamptz { text = insertBeforeEra(text, "+00") }
            return text
        case .time:
            guard bytes.readableBytes == 8, let micros = bytes.readInteger(as: Int64.self) else { return nil }
            return clockText(micros)
        case .timetz:
            // The zone is in seconds west of UTC; PostgreSQL prints it east-positive.
            guard bytes.readableBytes == 12, let micros = bytes.readInteger(as: Int64.self),
                let west = bytes.readInteger(as: Int32.self)
            else { return nil }
            return clockText(micros) + zoneText(-Int(west))
        case .interval:
            guard bytes.readableBytes == 16, let micros = bytes.readInteger(as: Int64.self),
                let days = bytes.readInteger(as: Int32.self), let months = bytes.readInteger(as: Int32.self)
            else { return nil }
            return intervalText(micros: micros, days: Int(days), months: Int(months))
        default:
            return nil
        }
    }

    /// `YYYY-MM-DD` (and ` time`) for days since 2000-01-01; years before 1 get " BC" as PostgreSQL does.
    private static func dateText(days: Int64, time: String? = nil) -> String {
        let (year, month, day) = civilDate(daysSince1970: days + epochDays)
        let shownYear = year > 0 ? year : 1 - year
        var text = "\(padded(shownYear, 4))-\(padded(month, 2))-\(padded(day, 2))"
        if let time { text += " " + time }
        return year > 0 ? text : text + " BC"
    }

    /// `suffix` placed before a trailing " BC".
    private static func insertBeforeEra(_ text: String, _ suffix: String) -> String {
        text.hasSuffix(" BC") ? String(text.dropLast(3)) + suffix + " BC" : text + suffix
    }

    /// `HH:MM:SS` with the fraction of a second when there is one, trailing zeros dropped.
    private static func clockText(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        var text = "\(padded(Int(seconds / 3600), 2)):\(padded(Int(seconds / 60 % 60), 2)):\(padded(Int(seconds % 60), 2))"
        let fraction = micros % 1_000_000
        if fraction != 0 {
            var digits = padded(Int(fraction), 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// `+HH`, `-HH:MM` or `+HH:MM:SS` for an offset east of UTC in seconds.
    private static func zoneText(_ east: Int) -> String {
        let magnitude = abs(east)
        var text = (east < 0 ? "-" : "+") + padded(magnitude / 3600, 2)
        if magnitude % 3600 != 0 { text += ":" + padded(magnitude / 60 % 60, 2) }
        if magnitude % 60 != 0 { text += ":" + padded(magnitude % 60, 2) }
        return text
    }

    /// An interval in PostgreSQL's default style: `1 year 2 mons 3 days 04:05:06.5`, `-1 days +02:00:00`.
    private static func intervalText(micros: Int64, days: Int, months: Int) -> String {
        var parts: [String] = []
        var sawNegative = false
        func add(_ value: Int, _ unit: String) {
            guard value != 0 else { return }
            let sign = value > 0 && sawNegative ? "+" : ""
            parts.append("\(sign)\(value) \(unit)\(value == 1 ? "" : "s")")
            sawNegative = sawNegative || value < 0
        }
        add(months / 12, "year")
        add(months % 12, "mon")
        add(days, "day")
        if micros != 0 || parts.isEmpty {
            let sign = micros < 0 ? "-" : (sawNegative ? "+" : "")
            parts.append(sign + clockText(micros == .min ? .max : abs(micros)))
        }
        return parts.joined(separator: " ")
    }

    /// Year, month and day of a day count since 1970-01-01 (proleptic Gregorian, year 0 = 1 BC).
    ///
    /// Howard Hinnant's `civil_from_days`.
    private static func civilDate(daysSince1970: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Quotient and remainder with the remainder never negative.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// `value` with leading zeros to `width` digits.
    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
