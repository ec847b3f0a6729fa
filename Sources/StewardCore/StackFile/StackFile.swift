import Foundation
import Yams

/// Reads `steward.yaml` into a ``StackSpec``, or reports every mistake in it.
///
/// ```swift
/// switch StackFile.parse(text, file: "steward.yaml") {
/// case .success(let stack): …
/// case .failure(let errors): print(errors)   // one line per mistake: file:line:column: …
/// }
/// ```
///
/// Parsing is pure (no file or network access) and reports all problems in one pass:
/// YAML syntax, unknown keys (with "did you mean"), missing keys, wrong types and values,
/// duplicate keys and names, unknown references and dependency cycles. The keys each
/// section takes are listed in `StackFileSchema.swift`; those Steward acts on are listed in
/// `EnforcedKeys.swift`, and ``analyze(_:file:)`` warns by position about every other key a file sets.
public enum StackFile {
    /// Parses and validates a whole stack file.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name shown in error messages, usually the path as the user gave it.
    /// - Returns: the stack, or every error sorted by position.
    public static func parse(_ text: String, file: String) -> Result<StackSpec, StackFileErrors> {
        analyze(text, file: file).result
    }

    /// Parses and validates a whole stack file, and also says which keys it sets that this
    /// version of Steward does not act on.
    ///
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name shown in messages, usually the path as the user gave it.
    /// - Returns: the stack or every error, plus the warnings (both sorted by position).
    public static func analyze(_ text: String, file: String) -> Analysis {
        let diags = Diagnostics(file: file)
        func outcome(_ result: Result<StackSpec, StackFileErrors>) -> Analysis {
            Analysis(result: result, warnings: diags.sortedWarnings, keysRead: diags.keysRead)
        }
        guard let root = compose(text, diags: diags) else { return outcome(.failure(diags.result)) }
        let spec = Compiler(diags: diags).stack(root)
        guard let spec, diags.errors.isEmpty else {
            if diags.errors.isEmpty {
                // Every path that drops a value reports why; this is a safety net.
                diags.report(
                    .wrongType(found: YAML.describe(root), expected: "a valid stack file"), at: root.mark, context: nil)
            }
            return outcome(.failure(diags.result))
        }
        return outcome(.success(spec))
    }

    // MARK: - Composing the YAML

    /// How many duplicate keys are renamed (see `compose`) before giving up on reading further.
    static let maximumDuplicateRenames = 64

    /// Composes the YAML into nodes, turning a YAML error into one positioned error.
    ///
    /// Yams refuses a mapping with a duplicate key outright. So that a duplicate does not hide
    /// every other mistake, its second occurrence is found in the text and renamed to private-use
    /// characters of the same length (positions stay the same), the rename is remembered, and
    /// composing starts again; the mapping readers then report the renamed key as a duplicate.
    static func compose(_ text: String, diags: Diagnostics) -> Node? {
        var source: SourceText?
        var yaml = text
        // Where the last rename of each duplicate (by name and first occurrence) was: the next search starts after it.
        var lastRenamed: [String: Position] = [:]
        for attempt in 0..<maximumDuplicateRenames {
            do {
                guard let node = try Yams.compose(yaml: yaml, .basic) else {
                    diags.report(
                        .wrongType(found: "an empty document", expected: "a mapping with at least 'stack'"), line: 1,
                        column: 1, context: nil)
                    return nil
                }
                return node
            } catch let error as YamlError {
                if case .duplicatedKeysInMapping(let duplicates, let context) = error, let name = duplicates.first,
                    attempt + 1 < maximumDuplicateRenames
                {
                    let id = "\(name)@\(context.mark.line):\(context.mark.column)"
                    var text = source ?? SourceText(yaml)
                    let after = lastRenamed[id] ?? Position(line: context.mark.line, column: context.mark.column)
                    if let position = text.renameDuplicate(
                        named: name, firstAt: context.mark, after: after, attempt: attempt)
                    {
                        lastRenamed[id] = position
                        diags.renamedDuplicates[position] = (name, context.mark.line)
                        source = text
                        yaml = text.string
                        continue
                    }
                }
                report(error, in: yaml, diags: diags)
                // Nothing will read the renamed keys now: report them here.
                for (position, duplicate) in diags.renamedDuplicates {
                    diags.report(
                        .duplicateKey(name: duplicate.name, firstLine: duplicate.firstLine), line: position.line,
                        column: position.column, context: "a mapping")
                }
                return nil
            } catch {
                diags.report(.yamlSyntax(message: "\(error)"), line: 1, column: 1, context: nil)
                return nil
            }
        }
        return nil
    }

    private static func report(_ error: YamlError, in yaml: String, diags: Diagnostics) {
        func syntax(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) {
            var message = problem
            if let context {
                if problem.hasPrefix("but ") {
                    message = "\(context.text) \(problem)"
                } else {
                    message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
                }
            }
            if SourceText.line(mark.line, of: yaml).contains("\t") {
                message += "; expected spaces for indentation, not tabs"
            }
            diags.report(.yamlSyntax(message: message), line: mark.line, column: mark.column, context: nil)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            syntax(context, problem, mark)
        case .reader(let problem, let offset, let value, _):
            let (line, column) = offset.map { SourceText.position(ofCharacter: $0, in: yaml) } ?? (1, 1)
            let found = value >= 0 ? " (found the character U+\(String(format: "%04X", value)))" : ""
            diags.report(.yamlSyntax(message: problem + found), line: line, column: column, context: nil)
        case .duplicatedKeysInMapping(let duplicates, let context):
            diags.report(
                .duplicateKey(name: duplicates.first ?? "", firstLine: context.mark.line), line: context.mark.line,
                column: context.mark.column, context: "a mapping")
        default:
            diags.report(.yamlSyntax(message: "\(error)"), line: 1, column: 1, context: nil)
        }
    }
}

// MARK: - Source text

extension StackFile {
    /// The text as Unicode scalars with line starts, as the YAML scanner counts positions.
    struct SourceText {
        private(set) var scalars: [Unicode.Scalar]
        private(set) var lineStarts: [Int] = [0]

        init(_ text: String) {
            scalars = Array(text.unicodeScalars)
            var i = 0
            while i < scalars.count {
                let scalar = scalars[i]
                if scalar == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" {
                    i += 2
                    lineStarts.append(i)
                    continue
                }
                i += 1
                if Self.isBreak(scalar) { lineStarts.append(i) }
            }
        }

        static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
        }

        var string: String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            return text
        }

        /// Indices of the scalars of a 1-based line, without its line break.
        func line(_ number: Int) -> Range<Int>? {
            guard number >= 1, number <= lineStarts.count else { return nil }
            let start = lineStarts[number - 1]
            var end = number < lineStarts.count ? lineStarts[number] : scalars.count
            while end > start, Self.isBreak(scalars[end - 1]) { end -= 1 }
            return start..<end
        }

        /// 1-based line and column of a scalar index.
        func position(of index: Int) -> Position {
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= index { low = middle } else { high = middle - 1 }
            }
            return Position(line: low + 1, column: index - lineStarts[low] + 1)
        }

        static func line(_ number: Int, of text: String) -> String {
            let source = SourceText(text)
            guard let range = source.line(number) else { return "" }
            var line = ""
            line.unicodeScalars.append(contentsOf: source.scalars[range])
            return line
        }

        /// Line and column of the character at `offset` (in Characters, as Yams reports reader errors).
        static func position(ofCharacter offset: Int, in text: String) -> (Int, Int) {
            guard let index = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) else {
                return (1, 1)
            }
            let scalarOffset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: index)
            let position = SourceText(text).position(of: scalarOffset)
            return (position.line, position.column)
        }

        /// Finds the next occurrence (after `after`) of the duplicate key `name` whose first occurrence
        /// is at `first`, renames it in place to private-use characters, and returns its position.
        mutating func renameDuplicate(named name: String, firstAt first: Mark, after: Position, attempt: Int)
            -> Position?
        {
            let plain = Array(name.unicodeScalars)
            guard !plain.isEmpty, first.line >= 1, first.column >= 1, line(first.line) != nil,
                let afterLine = line(after.line)
            else { return nil }
            let patterns = [plain, ["\""] + plain + ["\""], ["'"] + plain + ["'"]]
            let column = first.column - 1

            // Block mapping: the next line indented exactly like the first key, before the mapping ends.
            var number = after.line + 1
            while let range = line(number) {
                let indent = scalars[range].prefix(while: { $0 == " " }).count
                let content = range.lowerBound + indent
                if content == range.upperBound || scalars[content] == "#" {
                    number += 1
                    continue
                }
                if indent < column { break }
                if indent == column, let pattern = keyPattern(at: content, in: range.upperBound, patterns) {
                    rename(at: content, pattern: pattern, attempt: attempt)
                    return Position(line: number, column: first.column)
                }
                number += 1
            }

            // Flow mapping: the next `name:` after a `{`, `,` or space.
            let start = afterLine.lowerBound + after.column
            guard start < scalars.count else { return nil }
            for index in start..<min(scalars.count, start + 20_000) {
                let previous = scalars[index - 1]
                guard previous == "{" || previous == "," || previous == " " || Self.isBreak(previous) else { continue }
                if let pattern = keyPattern(at: index, in: scalars.count, patterns) {
                    rename(at: index, pattern: pattern, attempt: attempt)
                    return position(of: index)
                }
            }
            return nil
        }

        private func keyPattern(at index: Int, in end: Int, _ patterns: [[Unicode.Scalar]]) -> [Unicode.Scalar]? {
            for pattern in patterns where index + pattern.count <= end {
                guard scalars[index..<(index + pattern.count)].elementsEqual(pattern) else { continue }
                var next = index + pattern.count
                while next < end, scalars[next] == " " { next += 1 }
                guard next < end, scalars[next] == ":" else { continue }
                let after = next + 1
                if after >= end || [" ", "\t", ",", "}", "]"].contains(scalars[after]) || Self.isBreak(scalars[after])
                    || pattern[0] == "\"" || pattern[0] == "'"
                {
                    return pattern
                }
            }
            return nil
        }

        private mutating func rename(at index: Int, pattern: [Unicode.Scalar], attempt: Int) {
            let quoted = pattern[0] == "\"" || pattern[0] == "'"
            let start = quoted ? index + 1 : index
            let count = quoted ? pattern.count - 2 : pattern.count
            for offset in 0..<count {
                let value: UInt32 = offset == 0 ? 0xE000 + UInt32(attempt % 0x1000) : 0xF000
                scalars[start + offset] = Unicode.Scalar(value)!
            }
        }
    }
}
