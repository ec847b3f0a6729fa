import Foundation
import Yams

extension StackFile {
    /// One value in the document, with the key and section it belongs to.
    struct Field {
        let node: Node
        let key: String?
        let context: String?
        let diags: Diagnostics
        /// Where the value is in the document: `services.api.deploy`, `slos[0]`.
        var path: String = ""

        var mark: Mark? { node.mark }
        var isNull: Bool { YAML.isNull(node) }
        var text: String? { YAML.text(node) }

        func wrongType(_ expected: String) {
            diags.report(
                .wrongType(found: YAML.describe(node), expected: expected), at: mark, key: key, context: context)
        }

        func invalid(_ expected: String, reason: String? = nil, found: String? = nil, suggestion: String? = nil) {
            diags.report(
                .invalidValue(found: found ?? text ?? "", expected: expected, reason: reason, suggestion: suggestion),
                at: mark, key: key, context: context)
        }

        func report(_ problem: StackFileError.Problem) {
            diags.report(problem, at: mark, key: key, context: context)
        }

        /// The same node seen as an item of this field (the `index`-th of its list, if given).
        func item(_ node: Node, index: Int? = nil) -> Field {
            Field(node: node, key: key, context: context, diags: diags, path: index.map { "\(path)[\($0)]" } ?? path)
        }

        /// A non-null scalar as written.
        func string(expected: String = Expect.string) -> String? {
            guard let text else {
                wrongType(expected)
                return nil
            }
            return text
        }

        func nonEmptyString(expected: String = "a non-empty string") -> String? {
            guard let text = string(expected: expected) else { return nil }
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                invalid(expected)
                return nil
            }
            return text
        }

        func int(_ range: ClosedRange<Int>? = nil, expected: String? = nil) -> Int? {
            let expected = expected ?? Expect.integer(range)
            guard let text = string(expected: expected) else { return nil }
            guard let value = YAML.integer(from: text) else {
                invalid(expected)
                return nil
            }
            if let range, !range.contains(value) {
                invalid(expected)
                return nil
            }
            return value
        }

        func double(_ range: ClosedRange<Double>, expected: String) -> Double? {
            guard let text = string(expected: expected) else { return nil }
            guard let value = YAML.number(from: text), range.contains(value) else {
                invalid(expected)
                return nil
            }
            return value
        }

        func bool() -> Bool? {
            guard let text = string(expected: Expect.bool) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default:
                invalid(Expect.bool)
                return nil
            }
        }

        func span() -> TimeSpan? {
            guard let text = string(expected: Expect.span) else { return nil }
            if text == "0" { return .milliseconds(0) }
            guard let span = TimeSpan(parsing: text) else {
                invalid(Expect.span)
                return nil
            }
            return span
        }

        func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> E? where E.RawValue == String {
            let values = E.allCases.map(\.rawValue)
            guard let text = string(expected: Expect.oneOf(values)) else { return nil }
            if let value = E(rawValue: text) { return value }
            invalid(Expect.oneOf(values), suggestion: diags.suggestion(for: text, among: values))
            return nil
        }

        /// The items of a list.
        func list(expected: String = "a list") -> [Field]? {
            guard case .sequence(let sequence) = node else {
                wrongType(expected)
                return nil
            }
            return sequence.enumerated().map { item($1, index: $0) }
        }

        /// A list of strings; a single string is not accepted.
        func strings(expected: String = Expect.strings) -> [String]? {
            guard let items = list(expected: expected) else { return nil }
            return items.compactMap { $0.string() }
        }

        /// A command: a string split on whitespace, or a list of strings; never empty.
        func command() -> [String]? {
            if case .sequence = node {
                guard let items = list(expected: Expect.command) else { return nil }
                let words = items.compactMap { $0.string() }
                if items.isEmpty {
                    invalid(Expect.command, reason: "the command is empty", found: "[]")
                    return nil
                }
                return words.count == items.count ? words : nil
            }
            guard let text = string(expected: Expect.command) else { return nil }
            let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            if words.isEmpty {
                invalid(Expect.command, reason: "the command is empty")
                return nil
            }
            return words
        }

        /// The key/value pairs of a mapping, keys as strings.
        func entries(expected: String = "a mapping") -> [Entry]? {
            guard case .mapping(let mapping) = node else {
                wrongType(expected)
                return nil
            }
            return StackFile.entries(of: mapping, context: entriesContext, diags: diags)
        }

        /// How messages name this value as the holder of keys: `env of service 'api'`, `dependencies`.
        var entriesContext: String? {
            guard let key else { return context }
            return context.map { "\(key) of \($0)" } ?? key
        }

        /// A mapping of names to scalars, each rendered as written.
        func stringMap(expected: String = "a mapping of names to values") -> [String: String]? {
            guard let entries = entries(expected: expected) else { return nil }
            var result: [String: String] = [:]
            for entry in entries {
                let value = Field(
                    node: entry.value, key: entry.name, context: context, diags: diags, path: "\(path).\(entry.name)")
                if value.isNull {
                    result[entry.name] = ""
                } else if let text = value.string(expected: "a string, number or boolean") {
                    result[entry.name] = text
                }
            }
            return result
        }

        /// Reads this value as a mapping with the given keys.
        func mapping(context: String, section: Schema.Section, expected: String = "a mapping") -> MappingReader? {
            guard case .mapping(let mapping) = node else {
                wrongType(expected)
                return nil
            }
            return MappingReader(
                node: node, mapping: mapping, context: context, section: section, path: path, diags: diags)
        }
    }
}
