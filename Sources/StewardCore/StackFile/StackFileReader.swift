import Foundation
import Yams

// The small toolkit the section parsers are written with:
//
// - `Diagnostics` collects errors (every one, with a position) during one parse;
// - `MappingReader` reads typed fields from one mapping against its key list from
//   `Schema`, remembers which keys were read and reports the rest as unknown;
// - `Field` is one value with the key and section it belongs to, and converts it to a
//   string, an integer, a span … reporting a positioned error when it cannot.
//
// Scalars are composed with the basic resolver (no implicit tags), and typed here on
// demand: `port: 8080` and `port: "8080"` both read as 8080, and `DEBUG: true` in `env`
// stays the string "true" exactly as written.

extension StackFile {
    struct Position: Hashable {
        var line: Int
        var column: Int
    }

    /// Collects the errors and warnings of one parse.
    final class Diagnostics {
        let file: String
        private(set) var errors: [StackFileError] = []
        private(set) var warnings: [Warning] = []
        /// Paths of keys that got a "not enforced" warning: keys under them get none of their own.
        private var unenforcedPaths: Set<String> = []
        /// Every schema key read, with its document path.
        private(set) var keysRead: [(key: Schema.Key, path: String)] = []
        /// Keys of duplicates renamed so that the YAML could be composed: position → (name, line of the first).
        var renamedDuplicates: [Position: (name: String, firstLine: Int)] = [:]

        /// Candidate comparisons left for "did you mean" suggestions in this parse. A file with
        /// thousands of unknown names still parses in linear time; it just stops getting suggestions.
        private var suggestionBudget = 20_000

        init(file: String) { self.file = file }

        /// The closest candidate, while the budget lasts; `candidates` is only built when it is used.
        func suggestion(for text: String, among candidates: @autoclosure () -> [String]) -> String? {
            guard suggestionBudget > 0 else { return nil }
            let candidates = candidates()
            suggestionBudget -= max(1, candidates.count)
            return StackFile.suggestion(for: text, among: candidates)
        }

        func report(_ problem: StackFileError.Problem, at mark: Mark?, key: String? = nil, context: String?) {
            errors.append(
                StackFileError(
                    file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, key: key, context: context,
                    problem: problem))
        }

        func report(_ problem: StackFileError.Problem, line: Int, column: Int, context: String?) {
            errors.append(StackFileError(file: file, line: line, column: column, context: context, problem: problem))
        }

        /// The errors sorted, without repeats (a value reached through several aliases is reported once).
        var result: StackFileErrors {
            var seen = Set<String>()
            return StackFileErrors(errors.filter { seen.insert($0.description).inserted })
        }

        /// Notes the known keys of a mapping at `path` and warns about each one Steward does not
        /// enforce, unless a key above it already got that warning.
        func noteKeys(_ entries: [Entry], of section: Schema.Section, at path: String) {
            let covered = Self.pathAndAncestors(path).contains(where: unenforcedPaths.contains)
            for entry in entries where section.keys.contains(entry.name) {
                let key = Schema.Key(section, entry.name)
                let keyPath = path.isEmpty ? entry.name : "\(path).\(entry.name)"
                keysRead.append((key, keyPath))
                guard !covered, !EnforcedKeys.contains(key, value: entry.value.scalar?.string),
                    unenforcedPaths.insert(keyPath).inserted
                else { continue }
                warnings.append(
                    Warning(
                        file: file, line: entry.key.mark?.line ?? 1, column: entry.key.mark?.column ?? 1,
                        keyPath: keyPath, schemaKey: key,
                        problem: EnforcedKeys.partlyEnforced[key].map { .partlyEnforced($0) } ?? .notEnforced))
            }
        }

        /// `a.b[2].c`, `a.b[2]`, `a.b` and `a`: the path and every path above it.
        static func pathAndAncestors(_ path: String) -> [String] {
            guard !path.isEmpty else { return [] }
            var result = [path]
            for index in path.indices.reversed() where path[index] == "." || path[index] == "[" {
                result.append(String(path[..<index]))
            }
            return result
        }

        /// The warnings sorted by position.
        var sortedWarnings: [Warning] {
            warnings.enumerated()
                .sorted {
                    ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
                }
                .map(\.element)
        }
    }

    /// Descriptions and typing of composed YAML nodes.
    enum YAML {
        static func isNull(_ node: Node) -> Bool {
            guard case .scalar(let scalar) = node else { return false }
            if scalar.tag.rawValue == Tag.Name.null.rawValue { return true }
            guard scalar.style == .plain || scalar.style == .any else { return false }
            switch scalar.string {
            case "", "~", "null", "Null", "NULL": return true
            default: return false
            }
        }

        /// The text of a non-null scalar.
        static func text(_ node: Node) -> String? {
            guard case .scalar(let scalar) = node, !isNull(node) else { return nil }
            return scalar.string
        }

        /// How an error names what it found: `a mapping`, `a list`, `nothing`, `'text'`.
        static func describe(_ node: Node) -> String {
            switch node {
            case .mapping: return "a mapping"
            case .sequence: return "a list"
            case .alias: return "an alias"
            case .scalar(let scalar): return isNull(node) ? "nothing" : StackFileError.quote(scalar.string)
            }
        }

        /// A decimal integer with an optional sign (`8080`, `+3`, `-1`); at most 18 digits.
        static func integer(from text: String) -> Int? {
            var digits = Substring(text)
            var negative = false
            if let sign = digits.first, sign == "+" || sign == "-" {
                negative = sign == "-"
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            return negative ? -value : value
        }

        static func number(from text: String) -> Double? {
            guard !text.isEmpty, text.count <= 40,
                text.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
                text.contains(where: { $0.isNumber }),
                let value = Double(text), value.isFinite
            else { return nil }
            return value
        }
    }

    /// What the expected-value parts of messages say.
    enum Expect {
        static let string = "a string"
        static let bool = "true or false"
        static let span = "a time span such as 10s, 5m or 250ms"
        static let strings = "a list of strings"
        static let command = "a command: a string (split on spaces) or a list of strings"
        static let name = "a name of lowercase letters, digits and '-', starting with a letter"

        static func integer(_ range: ClosedRange<Int>?) -> String {
            guard let range else { return "an integer" }
            if range.upperBound == Int.max { return "an integer of \(range.lowerBound) or more" }
            return "an integer from \(range.lowerBound) to \(range.upperBound)"
        }

        static func oneOf(_ values: [String]) -> String {
            values.count == 1 ? values[0] : "one of \(values.joined(separator: ", "))"
        }
    }

    /// One key/value pair of a mapping.
    struct Entry {
        var name: String
        var key: Node
        var value: Node
    }

    /// The pairs of a mapping with string keys, in order: merge keys (`<<: *defaults`) are
    /// expanded (explicit keys win), keys that are not scalars and renamed duplicates are reported.
    static func entries(of mapping: Node.Mapping, context: String?, diags: Diagnostics) -> [Entry] {
        var explicit: [Entry] = []
        var merged: [Entry] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                diags.report(
                    .wrongType(found: YAML.describe(key), expected: "a key name"), at: key.mark,
                    context: context.map { "a key in \($0)" } ?? "a key at the top level")
                continue
            }
            if let mark = key.mark,
                let renamed = diags.renamedDuplicates[Position(line: mark.line, column: mark.column)]
            {
                diags.report(
                    .duplicateKey(name: renamed.name, firstLine: renamed.firstLine), at: mark, context: context)
                continue
            }
            if scalar.string == "<<", scalar.style == .plain || scalar.style == .any {
                switch value {
                case .mapping(let source):
                    merged += entries(of: source, context: context, diags: diags)
                case .sequence(let sources):
                    for source in sources {
                        if case .mapping(let source) = source {
                            merged += entries(of: source, context: context, diags: diags)
                        } else {
                            diags.report(
                                .wrongType(found: YAML.describe(source), expected: "a mapping to merge"),
                                at: source.mark, key: "<<", context: context)
                        }
                    }
                default:
                    diags.report(
                        .wrongType(found: YAML.describe(value), expected: "a mapping or a list of mappings to merge"),
                        at: value.mark, key: "<<", context: context)
                }
                continue
            }
            explicit.append(Entry(name: scalar.string, key: key, value: value))
        }
        guard !merged.isEmpty else { return explicit }
        var names = Set(explicit.map(\.name))
        for entry in merged where names.insert(entry.name).inserted {
            explicit.append(entry)
        }
        return explicit
    }

    /// Reads one mapping against its key list; call ``finish()`` to report unknown keys.
    final class MappingReader {
        let node: Node
        let context: String?
        let section: Schema.Section
        /// Where the mapping is in the document (`services.api.deploy`; empty at the top level).
        let path: String
        let keys: [String]
        let diags: Diagnostics
        let entries: [Entry]
        private var index: [String: Int] = [:]
        private var finished = false

        init(
            node: Node, mapping: Node.Mapping, context: String?, section: Schema.Section, path: String,
            diags: Diagnostics
        ) {
            self.node = node
            self.context = context
            self.section = section
            self.path = path
            self.keys = section.keys
            self.diags = diags
            self.entries = StackFile.entries(of: mapping, context: context, diags: diags)
            for (offset, entry) in entries.enumerated() where index[entry.name] == nil {
                index[entry.name] = offset
            }
            // Here rather than in finish(): a mapping is read before the ones inside it.
            diags.noteKeys(entries, of: section, at: path)
        }

        var mark: Mark? { node.mark }

        /// Whether the key is present (even with an empty value).
        func has(_ key: String) -> Bool {
            assert(keys.contains(key), "'\(key)' is not in the schema of \(context ?? "the top level")")
            return index[key] != nil
        }

        /// The key's node, for positioning errors about the key itself.
        func keyMark(_ key: String) -> Mark? { index[key].map { entries[$0].key.mark } ?? nil }

        /// The value, also when it is null; nil when the key is absent.
        func rawField(_ key: String) -> Field? {
            guard has(key), let position = index[key] else { return nil }
            return Field(
                node: entries[position].value, key: key, context: context, diags: diags,
                path: path.isEmpty ? key : "\(path).\(key)")
        }

        /// The value; nil when the key is absent or its value is null (`key:` or `key: ~`).
        func field(_ key: String) -> Field? {
            guard let field = rawField(key), !field.isNull else { return nil }
            return field
        }

        /// The value of a key that must be present and not null; reports it otherwise.
        func required(_ key: String, expected: String) -> Field? {
            guard let field = rawField(key) else {
                missing(key, expected: expected)
                return nil
            }
            if field.isNull {
                field.wrongType(expected)
                return nil
            }
            return field
        }

        /// Reports a missing key, unless an unknown key here is a misspelling of it: the
        /// "unknown key …; did you mean" error already says what to fix.
        func missing(_ key: String, expected: String) {
            let misspelled = entries.contains {
                !keys.contains($0.name) && diags.suggestion(for: $0.name, among: keys) == key
            }
            if !misspelled {
                diags.report(.missingKey(name: key, expected: expected), at: mark, context: context)
            }
        }

        private func read<T>(_ key: String, required: Bool, expected: String, _ convert: (Field) -> T?) -> T? {
            let field = required ? self.required(key, expected: expected) : self.field(key)
            return field.flatMap(convert)
        }

        func string(_ key: String, required: Bool = false) -> String? {
            read(key, required: required, expected: Expect.string) { $0.string() }
        }

        func nonEmptyString(_ key: String, required: Bool = false) -> String? {
            read(key, required: required, expected: "a non-empty string") { $0.nonEmptyString() }
        }

        func int(_ key: String, _ range: ClosedRange<Int>? = nil, required: Bool = false) -> Int? {
            read(key, required: required, expected: Expect.integer(range)) { $0.int(range) }
        }

        func bool(_ key: String) -> Bool? { read(key, required: false, expected: Expect.bool) { $0.bool() } }

        func span(_ key: String, required: Bool = false) -> TimeSpan? {
            read(key, required: required, expected: Expect.span) { $0.span() }
        }

        func strings(_ key: String, required: Bool = false) -> [String]? {
            read(key, required: required, expected: Expect.strings) { $0.strings() }
        }

        func stringMap(_ key: String) -> [String: String]? {
            read(key, required: false, expected: "a mapping") { $0.stringMap() }
        }

        func command(_ key: String, required: Bool = false) -> [String]? {
            read(key, required: required, expected: Expect.command) { $0.command() }
        }

        func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
        where E.RawValue == String {
            read(key, required: required, expected: Expect.oneOf(E.allCases.map(\.rawValue))) { $0.choice(type) }
        }

        /// A nested mapping read with its own key list.
        func mapping(_ key: String, context: String, section: Schema.Section, required: Bool = false)
            -> MappingReader?
        {
            read(key, required: required, expected: "a mapping") { $0.mapping(context: context, section: section) }
        }

        /// Reports every key that is not in the key list.
        func finish() {
            guard !finished else { return }
            finished = true
            let known = Set(keys)
            for entry in entries where !known.contains(entry.name) {
                let suggestion = diags.suggestion(for: entry.name, among: keys)
                diags.report(
                    .unknownKey(found: entry.name, expected: keys, suggestion: suggestion), at: entry.key.mark,
                    context: context)
            }
        }
    }
}
