import Foundation

/// A step's `when:`: a test of an earlier step's result that decides whether the step runs.
///
/// The forms are `steps.NAME.FIELD` for a yes/no field (`succeeded`, `failed`, `skipped`),
/// optionally preceded by `not`, and `steps.NAME.FIELD OP VALUE` for the others:
///
/// | field | is |
/// |---|---|
/// | `exitCode` | a command's exit code |
/// | `status` | an HTTP response's status |
/// | `rows` | rows an SQL statement returned or changed |
/// | `value` | SQL's first value, Redis's reply |
/// | `output` | everything the step printed or answered |
///
/// `OP` is one of `==`, `!=`, `>`, `>=`, `<`, `<=` and `contains`; `VALUE` a number, `true`,
/// `false`, a word or a quoted string. Numbers compare as numbers when both sides are numbers,
/// otherwise as text (`==`, `!=` and `contains` only). A field the step did not produce (it was
/// skipped, or never ran, or is of another kind) makes the condition false.
public struct RunbookCondition: Sendable, Equatable, CustomStringConvertible {
    /// A field of a step's result.
    public enum Field: String, Sendable, CaseIterable {
        case succeeded, failed, skipped, exitCode, status, rows, value, output

        var isFlag: Bool { self == .succeeded || self == .failed || self == .skipped }
    }

    /// A comparison.
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", greaterOrEqual = ">=", lessOrEqual = "<=", greater = ">", less = "<"
        case contains
    }

    /// What is known of an earlier step when a condition is evaluated.
    public enum Outcome: Sendable, Equatable {
        case ran(RunbookStepResult)
        case skipped
    }

    /// The condition as written.
    public var text: String
    /// The step whose result it reads.
    public var step: String
    public var field: Field
    public var negated: Bool
    /// The comparison, for every field but the yes/no ones.
    public var comparison: Comparison?

    /// `OP VALUE`.
    public struct Comparison: Sendable, Equatable {
        public var op: Operator
        public var value: String
    }

    public var description: String { text }

    /// What a condition looks like, for error messages.
    public static let expected =
        "a condition such as `steps.NAME.succeeded`, `not steps.NAME.failed` or `steps.NAME.rows > 0` "
        + "(fields: \(Field.allCases.map(\.rawValue).joined(separator: ", ")); "
        + "operators: \(Operator.allCases.map(\.rawValue).joined(separator: " ")))"

    /// A condition that cannot be read, and why.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "\(reason); expected \(RunbookCondition.expected)" }
    }

    /// Reads a condition.
    /// - Throws: ``ParseError`` naming what is wrong.
    public init(parsing text: String) throws(ParseError) {
        self.text = text
        var words = Self.words(text)
        negated = words.first == "not"
        if negated { words.removeFirst() }
        guard let reference = words.first else { throw ParseError(reason: "the condition is empty") }
        let parts = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "steps", !parts[1].isEmpty else {
            throw ParseError(reason: "'\(reference)' is not a step reference")
        }
        guard let field = Field(rawValue: parts[2]) else {
            throw ParseError(reason: "'\(parts[2])' is not a field of a step's result")
        }
        step = parts[1]
        self.field = field
        switch words.count {
        case 1:
            guard field.isFlag else {
                throw ParseError(reason: "`\(reference)` is not yes or no; compare it, as in `\(reference) == 0`")
            }
        case 3:
            guard let op = Operator(rawValue: words[1]) else { throw ParseError(reason: "'\(words[1])' is not an operator") }
            if negated { throw ParseError(reason: "`not` goes with a yes/no field, not a comparison (use `!=`)") }
            if field.isFlag, ![.equal, .notEqual].contains(op) || !["true", "false"].contains(words[2]) {
                throw ParseError(reason: "`\(reference)` is yes or no: compare it with == or != to true or false")
            }
            comparison = Comparison(op: op, value: Self.unquoted(words[2]))
        default:
            throw ParseError(reason: "'\(text)' has \(words.count) parts")
        }
    }

    /// Whether the condition holds, given what earlier steps did (nil: the step has not run).
    public func holds(given outcome: Outcome?) -> Bool {
        let result: Bool
        switch (field, outcome) {
        case (.skipped, let outcome):
            result = compareFlag(outcome == .skipped)
        case (_, .ran(let ran)) where field.isFlag:
            result = compareFlag(field == .succeeded ? ran.succeeded : !ran.succeeded)
        case (_, .ran(let ran)):
            guard let actual = Self.value(of: field, in: ran), let comparison else { return false }
            result = Self.compare(actual, comparison.op, comparison.value)
        default:
            return false
        }
        return negated ? !result : result
    }

    private func compareFlag(_ flag: Bool) -> Bool {
        guard let comparison else { return flag }
        let matches = flag == (comparison.value == "true")
        return comparison.op == .equal ? matches : !matches
    }

    private static func value(of field: Field, in result: RunbookStepResult) -> String? {
        switch field {
        case .exitCode: result.exitCode.map(String.init)
        case .status: result.status.map(String.init)
        case .rows: result.rows.map(String.init)
        case .value: result.value
        case .output: result.output
        case .succeeded, .failed, .skipped: nil
        }
    }

    private static func compare(_ actual: String, _ op: Operator, _ expected: String) -> Bool {
        let trimmed = actual.trimmingCharacters(in: .whitespacesAndNewlines)
        if op == .contains { return actual.contains(expected) }
        if let left = Double(trimmed), let right = Double(expected) {
            switch op {
            case .equal: return left == right
            case .notEqual: return left != right
            case .greater: return left > right
            case .greaterOrEqual: return left >= right
            case .less: return left < right
            case .lessOrEqual: return left <= right
            case .contains: return false
            }
        }
        switch op {
        case .equal: return trimmed == expected
        case .notEqual: return trimmed != expected
        default: return false
        }
    }

    /// Splits on spaces, keeping quoted strings whole.
    private static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func unquoted(_ word: String) -> String {
        guard word.count >= 2, let first = word.first, first == "\"" || first == "'", word.last == first else {
            return word
        }
        return String(word.dropFirst().dropLast())
    }
}
