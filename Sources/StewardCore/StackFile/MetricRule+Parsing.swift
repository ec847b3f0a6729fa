import Foundation

extension MetricRule {
    /// Why a rule string is not a rule: the part found and what belonged there.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The offending word, or empty when the rule ended too early.
        public var found: String
        /// What would have been accepted at that point.
        public var expected: String

        public init(found: String, expected: String) {
            self.found = found
            self.expected = expected
        }

        public var description: String {
            found.isEmpty ? "the rule ends early; expected \(expected)" : "found '\(found)', expected \(expected)"
        }
    }

    /// The grammar, for messages.
    public static let grammar =
        "METRIC OP THRESHOLD for SPAN [min N], such as 'error_rate > 5% for 5m' or 'p95 > 3s for 5m'"

    /// Parses `METRIC OP THRESHOLD for SPAN [min N]`.
    ///
    /// - METRIC: `error_rate`, `p50`, `p90`, `p95`, `p99`, `request_rate`
    /// - OP: `>`, `>=`, `<`, `<=`
    /// - THRESHOLD: for `error_rate` a percentage (`5%` is 0.05) or a fraction (`0.05`);
    ///   for latencies a duration (`3s`, `500ms`, `1.5s`, `1m`) in seconds;
    ///   for `request_rate` requests per second (`100` or `100/s`);
    ///   or relative to the stable release: `stable [* FACTOR] [+ VALUE]`, such as
    ///   `error_rate > stable + 2% for 5m` or `p95 > stable * 1.5 for 5m`
    /// - SPAN: how long the condition must hold, e.g. `5m`
    /// - `min N`: fewer requests than N in the window decide nothing (default 20)
    ///
    /// Spaces around the operator are optional: `error_rate>5% for 5m` is the same rule.
    public init(parsing text: String) throws(ParseError) {
        var tokens = Self.tokens(text)[...]
        func next(_ expected: String) throws(ParseError) -> String {
            guard let token = tokens.popFirst() else { throw ParseError(found: "", expected: expected) }
            return token
        }

        let metricNames = Metric.allCases.map(\.rawValue)
        let metricExpected = "a metric: \(metricNames.joined(separator: ", "))"
        let metricText = try next(metricExpected)
        guard let metric = Metric(rawValue: metricText.lowercased()) else {
            throw ParseError(found: metricText, expected: metricExpected)
        }

        let opExpected = "a comparison: >, >=, < or <="
        let opText = try next(opExpected)
        guard let comparison = Comparison(rawValue: opText) else {
            throw ParseError(found: opText, expected: opExpected)
        }

        let thresholdExpected: String
        switch metric {
        case .errorRate: thresholdExpected = "a percentage such as 5% (or a fraction such as 0.05)"
        case .p50, .p90, .p95, .p99: thresholdExpected = "a latency such as 3s or 500ms"
        case .requestRate: thresholdExpected = "requests per second such as 100 or 100/s"
        }
        let thresholdText = try next(thresholdExpected)
        var threshold: Double
        var baselineFactor: Double?
        if thresholdText.lowercased() == Self.stable {
            // Relative to the stable release: stable [* FACTOR] [+ VALUE].
            baselineFactor = 1
            threshold = 0
            if tokens.first == "*" {
                tokens.removeFirst()
                let factorExpected = "a factor such as 1.5"
                let factorText = try next(factorExpected)
                guard let number = Self.decimal(Substring(factorText)), let factor = Double(number) else {
                    throw ParseError(found: factorText, expected: factorExpected)
                }
                baselineFactor = factor
            }
            if tokens.first == "+" {
                tokens.removeFirst()
                let marginText = try next(thresholdExpected)
                guard let margin = Self.threshold(marginText, for: metric) else {
                    throw ParseError(found: marginText, expected: thresholdExpected)
                }
                threshold = margin
            }
        } else {
            guard let value = Self.threshold(thresholdText, for: metric) else {
                throw ParseError(found: thresholdText, expected: thresholdExpected)
            }
            threshold = value
        }

        let forExpected = "'for' and how long the condition must hold, such as 'for 5m'"
        let forText = try next(forExpected)
        guard forText.lowercased() == "for" else { throw ParseError(found: forText, expected: forExpected) }
        let spanExpected = "a time span such as 5m or 30s"
        let spanText = try next(spanExpected)
        guard let duration = spanText == "0" ? .milliseconds(0) : TimeSpan(parsing: spanText) else {
            throw ParseError(found: spanText, expected: spanExpected)
        }

        var minimumRequests = 20
        if let word = tokens.popFirst() {
            guard word.lowercased() == "min" else {
                throw ParseError(
                    found: word, expected: "the end of the rule or 'min N' (the fewest requests that decide)")
            }
            let countExpected = "a number of requests such as 'min 50'"
            let countText = try next(countExpected)
            guard countText.count <= 9, let count = Int(countText), count >= 0 else {
                throw ParseError(found: countText, expected: countExpected)
            }
            minimumRequests = count
            if let extra = tokens.popFirst() {
                throw ParseError(found: extra, expected: "the end of the rule")
            }
        }

        self.init(
            metric: metric, comparison: comparison, threshold: threshold, duration: duration,
            minimumRequests: minimumRequests, baselineFactor: baselineFactor,
            source: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The word that makes a threshold relative to the stable release.
    static let stable = "stable"

    /// Words, with comparison operators (and the `*` and `+` of relative thresholds) split off even without spaces.
    private static func tokens(_ text: String) -> [String] {
        let operatorCharacters: Set<Character> = ["<", ">", "=", "!", "*", "+"]
        var tokens: [String] = []
        var current = ""
        var currentIsOperator = false
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        for character in text {
            if character.isWhitespace {
                flush()
                continue
            }
            let isOperator = operatorCharacters.contains(character)
            if !current.isEmpty, isOperator != currentIsOperator { flush() }
            currentIsOperator = isOperator
            current.append(character)
        }
        flush()
        return tokens
    }

    /// A decimal number as written (`5`, `0.5`), or nil.
    private static func decimal(_ text: Substring) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), text.count <= 30,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return String(text)
    }

    private static func threshold(_ text: String, for metric: Metric) -> Double? {
        switch metric {
        case .errorRate:
            if text.hasSuffix("%") {
                // Through the decimal text, so that 0.1% is exactly the double nearest 0.001.
                guard let number = decimal(text.dropLast()), let value = Double("\(number)e-2"), value <= 1 else {
                    return nil
                }
                return value
            }
            guard let number = decimal(Substring(text)), let value = Double(number), value <= 1 else { return nil }
            return value
        case .p50, .p90, .p95, .p99:
            let units: [(suffix: String, exponent: String, factor: Double)] = [
                ("ms", "e-3", 1), ("s", "", 1), ("m", "", 60),
            ]
            for unit in units where text.hasSuffix(unit.suffix) {
                guard let number = decimal(text.dropLast(unit.suffix.count)),
                    let value = Double("\(number)\(unit.exponent)")
                else { return nil }
                return value * unit.factor
            }
            return nil
        case .requestRate:
            let number = text.hasSuffix("/s") ? text.dropLast(2) : Substring(text)
            return decimal(number).flatMap { Double($0) }
        }
    }
}
