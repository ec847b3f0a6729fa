import Foundation

/// One file of a migrations directory as listed: its name and the SHA-256 of its bytes (hex).
public struct ListedMigrationFile: Sendable, Equatable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}

/// One migration: a version with its up file and, when it can be reverted, a down file.
public struct MigrationScript: Sendable, Equatable, Codable {
    public var version: Int
    public var name: String
    /// The up file's name, e.g. `0001_create_items.up.sql`.
    public var upFile: String
    /// The down file's name; nil when the migration cannot be reverted.
    public var downFile: String?
    /// The SHA-256 of the up file: what the history records and drift is checked against.
    public var sha256: String

    public init(version: Int, name: String, upFile: String, downFile: String?, sha256: String) {
        self.version = version
        self.name = name
        self.upFile = upFile
        self.downFile = downFile
        self.sha256 = sha256
    }

    /// `0003_add_price`: the version as written in the file name, and the name.
    public var label: String { String(upFile.dropLast(".up.sql".count)) }
}

/// The migrations of one directory, validated and in version order: versions 1, 2, 3… with
/// no gap and no duplicate, each with an up file.
///
/// Built from a directory listing (``init(listing:)``) without reading the files here: the
/// caller hashes them, so deciding stays pure. What to run is decided against the database's
/// history by ``status(history:)``, ``planUp(history:to:)`` and ``planDown(history:to:)``.
public struct MigrationCatalog: Sendable, Equatable {
    /// In version order, the first being version 1.
    public var migrations: [MigrationScript]

    public init(migrations: [MigrationScript]) {
        self.migrations = migrations
    }

    /// Orders and checks a directory listing.
    /// - Throws: ``MigrationCatalogError`` with every problem found: a bad file name, two files for
    ///   one version and direction, two names for one version, a down file without its up file,
    ///   a gap in the versions (the first must be 1).
    public init(listing: [ListedMigrationFile]) throws(MigrationCatalogError) {
        var problems = [MigrationFileProblem]()
        var ups = [Int: (MigrationFileName, ListedMigrationFile)]()
        var downs = [Int: (MigrationFileName, ListedMigrationFile)]()
        for file in listing.sorted(by: { $0.name < $1.name }) {
            let parsed: MigrationFileName?
            do {
                parsed = try MigrationFileName.parse(file.name)
            } catch {
                problems.append(error)
                continue
            }
            guard let parsed else { continue }
            let other = parsed.direction == .up ? ups[parsed.version] : downs[parsed.version]
            if let other {
                problems.append(
                    MigrationFileProblem(
                        file: file.name, reason: "version \(parsed.version) already has \(other.1.name)",
                        expected: "one \(parsed.direction.rawValue) file per version"))
                continue
            }
            if parsed.direction == .up { ups[parsed.version] = (parsed, file) } else { downs[parsed.version] = (parsed, file) }
        }
        for (version, down) in downs.sorted(by: { $0.key < $1.key }) {
            guard let up = ups[version] else {
                problems.append(
                    MigrationFileProblem(
                        file: down.1.name, reason: "there is no up file for version \(version)",
                        expected: "\(down.1.name.dropLast(".down.sql".count)).up.sql beside it"))
                continue
            }
            if up.0.name != down.0.name {
                problems.append(
                    MigrationFileProblem(
                        file: down.1.name, reason: "its name differs from the up file \(up.1.name)",
                        expected: "the up and down files of a version to share VERSION_NAME"))
            }
        }
        let versions = ups.keys.sorted()
        // Versions must count 1, 2, 3…: a gap is a migration lost (or renumbered) on the way.
        for (index, version) in versions.enumerated() where version != index + 1 {
            let reason =
                index == 0
                ? "the first migration is version \(version)"
                : "version \(version) follows version \(versions[index - 1]): version \(index + 1) is missing"
            problems.append(
                MigrationFileProblem(
                    file: ups[version]!.1.name, reason: reason, expected: "versions 1, 2, 3… with none missing"))
            break
        }
        guard problems.isEmpty else { throw MigrationCatalogError(problems: problems) }
        migrations = versions.map { version in
            let (name, file) = ups[version]!
            return MigrationScript(
                version: version, name: name.name, upFile: file.name, downFile: downs[version]?.1.name, sha256: file.sha256)
        }
    }

    /// The migration with this version, if there is one.
    public func migration(_ version: Int) -> MigrationScript? {
        version >= 1 && version <= migrations.count ? migrations[version - 1] : nil
    }

    /// The highest version, 0 when the directory holds none.
    public var latestVersion: Int { migrations.last?.version ?? 0 }
}

/// Why a migrations directory cannot be used: every problem, one per file.
public struct MigrationCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [MigrationFileProblem]

    public init(problems: [MigrationFileProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
