import Foundation

/// One mistake in a stack file: where it is, what was found and what was expected.
///
/// Every error has a position (`line` and `column` are 1-based and never below 1) and
/// renders as one sentence, for example:
///
/// ```
/// steward.yaml:12:5: unknown key 'comand' in service 'api'; expected one of command, args, env, …; did you mean 'command'?
/// ```
///
/// The sentence is built by ``message`` from the typed ``problem``, the ``key`` it is
/// about and the ``context`` (the section) that holds it, so callers can either show the
/// text or act on the case.
public struct StackFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Sendable, Equatable {
        /// The text is not well-formed YAML (the message comes from the YAML scanner).
        case yamlSyntax(message: String)
        /// A key this section does not take.
        case unknownKey(found: String, expected: [String], suggestion: String?)
        /// A required key is absent; the error points at the mapping that lacks it.
        case missingKey(name: String, expected: String)
        /// None of a set of alternatives is present (a probe needs one check, a retention one limit).
        case missingOneOf(names: [String])
        /// Two keys that exclude each other are both present.
        case conflictingKeys(found: String, other: String, expected: [String])
        /// The value has the wrong shape: a list where a string belongs, and so on.
        case wrongType(found: String, expected: String)
        /// The value has the right shape but not an accepted value.
        case invalidValue(found: String, expected: String, reason: String?, suggestion: String?)
        /// The same key appears twice in one mapping.
        case duplicateKey(name: String, firstLine: Int)
        /// The same name is declared twice where names must be unique.
        case duplicateName(name: String, firstLine: Int, expected: String)
        /// A name or `${...}` reference that does not name anything declared or known.
        case unknownReference(found: String, expected: String, suggestion: String?)
        /// Services that depend on each other in a circle (or environments that promote in one).
        case cycle(path: [String])
    }

    /// The file name used in the rendered message (as passed to ``StackFile/parse(_:file:)``).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column (in Unicode scalars, as the YAML scanner counts).
    public var column: Int
    /// The field the problem is about (`port`), if any.
    public var key: String?
    /// The section that holds the field, such as `service 'api'`; `nil` at the top level.
    public var context: String?
    public var problem: Problem

    public init(file: String, line: Int, column: Int, key: String? = nil, context: String? = nil, problem: Problem) {
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
        self.key = key
        self.context = context
        self.problem = problem
    }

    /// `file:line:column: message`, on one line.
    public var description: String { "\(file):\(line):\(column): \(message)" }

    /// The sentence without the position: what was found and what was expected.
    public var message: String {
        let place = context.map { "in \($0)" } ?? "at the top level"
        let subject: String
        switch (key, context) {
        case (let key?, let context?): subject = "\(Self.quote(key)) in \(context)"
        case (let key?, nil): subject = Self.quote(key)
        case (nil, let context?): subject = context
        case (nil, nil): subject = "the document"
        }
        switch problem {
        case .yamlSyntax(let message):
            return "invalid YAML: \(Self.clean(message, limit: 240))"
        case .unknownKey(let found, let expected, let suggestion):
            var text = "unknown key \(Self.quote(found)) \(place); expected one of \(expected.joined(separator: ", "))"
            if let suggestion { text += "; did you mean \(Self.quote(suggestion))?" }
            return text
        case .missingKey(let name, let expected):
            return "missing key \(Self.quote(name)) \(place); expected \(expected)"
        case .missingOneOf(let names):
            return "missing one of \(names.joined(separator: ", ")) \(place); expected one of them"
        case .conflictingKeys(let found, let other, let expected):
            return "conflicting keys \(Self.quote(other)) and \(Self.quote(found)) \(place); "
                + "expected exactly one of \(expected.joined(separator: ", "))"
        case .wrongType(let found, let expected):
            return "wrong type for \(subject): found \(found), expected \(expected)"
        case .invalidValue(let found, let expected, let reason, let suggestion):
            var text = "invalid value \(Self.quote(found)) for \(subject)"
            if let reason { text += ": \(Self.clean(reason, limit: 240))" }
            text += "; expected \(expected)"
            if let suggestion { text += "; did you mean \(Self.quote(suggestion))?" }
            return text
        case .duplicateKey(let name, let firstLine):
            return "duplicate key \(Self.quote(name)) \(place) (first at line \(firstLine)); expected each key once"
        case .duplicateName(let name, let firstLine, let expected):
            return
                "duplicate name \(Self.quote(name)) for \(subject) (first at line \(firstLine)); expected \(expected)"
        case .unknownReference(let found, let expected, let suggestion):
            var text = "unknown reference \(Self.quote(found)) in \(subject); expected \(expected)"
            if let suggestion { text += "; did you mean \(Self.quote(suggestion))?" }
            return text
        case .cycle(let path):
            return "cycle \(path.map { Self.clean($0) }.joined(separator: " → ")) in \(subject); expected no cycles"
        }
    }

    /// `'text'` with control characters escaped and long text shortened, so a message stays on one line.
    static func quote(_ text: String) -> String { "'\(clean(text))'" }

    static func clean(_ text: String, limit: Int = 80) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.properties.generalCategory == .lineSeparator
                    || scalar.properties.generalCategory == .paragraphSeparator
                {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            count += 1
        }
        return out
    }
}

/// Every mistake found in one stack file, sorted by position.
public struct StackFileErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The errors, sorted by (line, column); errors at the same position keep the order they were found in.
    public var errors: [StackFileError]

    public init(_ errors: [StackFileError]) {
        self.errors = errors.enumerated()
            .sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            .map(\.element)
    }

    /// One line per error.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension StackFileErrors: LocalizedError {
    public var errorDescription: String? { description }
}

extension StackFileError: LocalizedError {
    public var errorDescription: String? { description }
}
