import Foundation

/// The name of one migration file: `VERSION_NAME.up.sql` or `VERSION_NAME.down.sql`.
///
/// The naming rule (`docs/migrations.md`):
/// - `VERSION` is decimal digits (zero-padding such as `0001` is usual and ignored: `0001` is 1), from 1;
/// - `NAME` is lowercase letters, digits and `_`, starting with a letter or a digit;
/// - `.up.sql` applies the migration, the optional `.down.sql` reverts it.
///
/// Files whose names do not end in `.sql` (a README) and hidden files (`.gitkeep`) are not
/// migrations and are ignored; any other `.sql` file that breaks the rule is an error, so a
/// typo never silently skips a migration.
public struct MigrationFileName: Sendable, Equatable {
    /// Whether the file applies or reverts its migration.
    public enum Direction: String, Sendable, Codable { case up, down }

    public var version: Int
    public var name: String
    public var direction: Direction

    /// What the rule expects, for error messages.
    public static let rule = "VERSION_NAME.up.sql or VERSION_NAME.down.sql (VERSION: digits from 1, such as 0001; NAME: a-z, 0-9 and _)"

    /// Reads a file name.
    /// - Returns: nil for a file that is not a migration (no `.sql` suffix, or hidden).
    /// - Throws: ``MigrationFileProblem`` for a `.sql` file that breaks the rule, saying what is wrong.
    public static func parse(_ fileName: String) throws(MigrationFileProblem) -> MigrationFileName? {
        guard !fileName.hasPrefix("."), fileName.lowercased().hasSuffix(".sql") else { return nil }
        func problem(_ reason: String) -> MigrationFileProblem {
            MigrationFileProblem(file: fileName, reason: reason, expected: rule)
        }
        guard fileName.hasSuffix(".sql") else { throw problem("the suffix must be lowercase .sql") }
        let stem = fileName.dropLast(".sql".count)
        let direction: Direction
        let base: Substring
        if stem.hasSuffix(".up") {
            direction = .up
            base = stem.dropLast(".up".count)
        } else if stem.hasSuffix(".down") {
            direction = .down
            base = stem.dropLast(".down".count)
        } else {
            throw problem("it says neither .up.sql nor .down.sql")
        }
        guard let underscore = base.firstIndex(of: "_") else {
            throw problem("no _ separates the version from the name")
        }
        let digits = base[..<underscore]
        let name = String(base[base.index(after: underscore)...])
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw problem("the version '\(digits)' is not decimal digits")
        }
        guard digits.count <= 9, let version = Int(digits), version >= 1 else {
            throw problem("the version '\(digits)' must be between 1 and 999999999")
        }
        guard let first = name.first, first.isASCII, first.isLowercase || first.isNumber,
            name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
        else {
            throw problem("the name '\(name)' must be lowercase letters, digits and _, starting with a letter or digit")
        }
        return MigrationFileName(version: version, name: name, direction: direction)
    }
}

/// A file of a migrations directory that cannot be used: which file, what is wrong, what was expected.
public struct MigrationFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's name inside the directory (or a version, for a problem between files such as a gap).
    public var file: String
    public var reason: String
    public var expected: String

    public init(file: String, reason: String, expected: String) {
        self.file = file
        self.reason = reason
        self.expected = expected
    }

    /// `FILE: REASON; expected EXPECTED`.
    public var description: String { "\(file): \(reason); expected \(expected)" }
}
