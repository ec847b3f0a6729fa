import Foundation

/// The statements of a SQL file, split the way PostgreSQL reads them.
///
/// PostgreSQL's extended protocol runs one statement per query, so a migration file is split
/// on the `;` that end statements, and only those: a `;` inside a string (`'a;b'`, `E'\';'`),
/// a quoted identifier, a dollar-quoted body (`$$ … $$`, `$fn$ … $fn$`), a `--` comment or a
/// (nested) `/* */` comment does not end anything. Statements that hold nothing but
/// whitespace and comments are dropped. psql's backslash commands are not SQL and not supported.
public enum SQLScript {
    /// The statements of `text`, each trimmed, without its final `;`.
    public static func statements(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var statements = [String]()
        var start = 0
        var index = 0
        var meaningful = false  // the current statement holds more than whitespace and comments
        func finish(_ end: Int) {
            if meaningful {
                var statement = String(String.UnicodeScalarView(scalars[start..<end]))
                statement = statement.trimmingWhitespace()
                if !statement.isEmpty { statements.append(statement) }
            }
            start = end + 1
            meaningful = false
        }
        func at(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "-" where at(1) == "-":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
                continue
            case "/" where at(1) == "*":
                var depth = 0
                while index < scalars.count {
                    if scalars[index] == "/", at(1) == "*" {
                        depth += 1
                        index += 2
                    } else if scalars[index] == "*", at(1) == "/" {
                        depth -= 1
                        index += 2
                        if depth == 0 { break }
                    } else {
                        index += 1
                    }
                }
                continue
            case "'":
                meaningful = true
                // E'…' strings take backslash escapes; standard strings only '' (standard_conforming_strings).
                let escapes = index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                    && (index < 2 || !isIdentifierPart(scalars[index - 2]))
                index += 1
                while index < scalars.count {
                    if escapes, scalars[index] == "\\" {
                        index += 2
                    } else if scalars[index] == "'" {
                        if at(1) == "'" { index += 2 } else { break }
                    } else {
                        index += 1
                    }
                }
            case "\"":
                meaningful = true
                index += 1
                while index < scalars.count {
                    if scalars[index] == "\"" {
                        if at(1) == "\"" { index += 2 } else { break }
                    } else {
                        index += 1
                    }
                }
            case "$" where index == 0 || !isIdentifierPart(scalars[index - 1]):
                meaningful = true
                // A dollar quote: $$ or $tag$ (tag: letters, digits, _; not starting with a digit).
                var end = index + 1
                while end < scalars.count, isIdentifierPart(scalars[end]), scalars[end] != "$" { end += 1 }
                let tagOK = end < scalars.count && scalars[end] == "$"
                    && (end == index + 1 || !(scalars[index + 1].properties.numericType != nil))
                guard tagOK else { break }
                let tag = Array(scalars[index...end])
                index = end + 1
                while index < scalars.count {
                    if scalars[index] == "$", index + tag.count <= scalars.count,
                        Array(scalars[index..<index + tag.count]) == tag
                    {
                        index += tag.count - 1
                        break
                    }
                    index += 1
                }
            case ";":
                finish(index)
            default:
                if !scalar.properties.isWhitespace { meaningful = true }
            }
            index += 1
        }
        finish(scalars.count)
        return statements
    }

    /// Whether a statement controls the transaction (`BEGIN`, `COMMIT`, `ROLLBACK`, …): the runner
    /// owns the transaction of each migration, so a file must not.
    public static func controlsTransaction(_ statement: String) -> Bool {
        // Leading `--` comment lines are not the statement.
        let code = statement.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
        let words = code.uppercased().split(whereSeparator: { !$0.isLetter }).prefix(2).map(String.init)
        guard let first = words.first else { return false }
        if ["BEGIN", "COMMIT", "ROLLBACK", "END", "ABORT", "SAVEPOINT", "RELEASE"].contains(first) { return true }
        return first == "START" && words.dropFirst().first == "TRANSACTION"
    }

    private static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
