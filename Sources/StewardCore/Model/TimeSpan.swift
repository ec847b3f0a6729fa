import Foundation

/// A span of time as written in the stack file: `250ms`, `10s`, `5m`, `2h`, `7d`.
///
/// Stored as whole milliseconds so that values compare and encode exactly. It encodes to
/// and decodes from its textual form (`"10s"`), which is what API clients and the stack
/// file both show.
public struct TimeSpan: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The length in milliseconds.
    public var milliseconds: Int64

    /// Creates a span of the given number of milliseconds.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func milliseconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value) }
    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 1000) }
    public static func minutes(_ value: Int64) -> TimeSpan { .seconds(value * 60) }
    public static func hours(_ value: Int64) -> TimeSpan { .minutes(value * 60) }
    public static func days(_ value: Int64) -> TimeSpan { .hours(value * 24) }

    /// The span as a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// The span in (fractional) seconds.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// Parses `250ms`, `10s`, `5m`, `2h`, `7d` or a combination such as `1h30m`.
    ///
    /// - Returns: `nil` when the text is not a span.
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) })
            else { return nil }
            rest = rest.dropFirst(unit.0.count)
            let (product, overflow) = number.multipliedReportingOverflow(by: unit.1)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !sumOverflow else { return nil }
            total = sum
        }
        self.milliseconds = total
    }

    public var description: String {
        let units: [(String, Int64)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        if milliseconds == 0 { return "0s" }
        for (suffix, size) in units where milliseconds % size == 0 {
            return "\(milliseconds / size)\(suffix)"
        }
        return "\(milliseconds)ms"
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a time span such as 10s, 5m or 250ms, found '\(text)'")
        }
        self = span
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
