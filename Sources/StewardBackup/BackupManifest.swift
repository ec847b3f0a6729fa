import Foundation

/// One user table and its exact row count.
public struct TableRows: Sendable, Codable, Equatable, Hashable {
    public var schema: String
    public var name: String
    public var rows: Int64

    public init(schema: String, name: String, rows: Int64) {
        self.schema = schema
        self.name = name
        self.rows = rows
    }

    /// `schema.name` as shown in reasons.
    public var qualifiedName: String { "\(schema).\(name)" }
}

/// What a backup is: written beside its artifact (`ID.json`) once the artifact is durable, so a
/// manifest always describes a complete artifact. It never holds a password.
public struct BackupManifest: Sendable, Codable, Equatable {
    /// `yyyyMMdd-HHmmss-xxxxxx` (UTC time and 6 random hex digits): sortable, and safe in file and database names.
    public var id: String
    public var createdAt: Date
    public var environment: String
    /// The dependency (stack file name) this is a backup of.
    public var dependency: String
    /// The database dumped, and where from (``PostgresTarget/redacted``).
    public var database: String
    public var source: String
    public var serverVersion: String
    /// `pg_dump -Fc` (custom format).
    public var format: String
    /// The artifact's file name in the store.
    public var artifact: String
    public var sizeBytes: Int64
    /// Lowercase hex SHA-256 of the artifact.
    public var sha256: String
    public var durationSeconds: Double
    /// Every user table with its exact row count.
    public var tables: [TableRows]
    /// True when the counts were taken in the snapshot pg_dump dumped (`pg_dump --snapshot`), so
    /// they match the artifact exactly even while the application writes.
    public var countsInDumpSnapshot: Bool
    /// The deployment this backup was taken before, when there was one.
    public var deployment: String?

    public init(
        id: String, createdAt: Date, environment: String, dependency: String, database: String, source: String,
        serverVersion: String, format: String = "pg_dump-custom", artifact: String, sizeBytes: Int64, sha256: String,
        durationSeconds: Double, tables: [TableRows], countsInDumpSnapshot: Bool, deployment: String? = nil
    ) {
        self.id = id
        self.createdAt = createdAt
        self.environment = environment
        self.dependency = dependency
        self.database = database
        self.source = source
        self.serverVersion = serverVersion
        self.format = format
        self.artifact = artifact
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.durationSeconds = durationSeconds
        self.tables = tables
        self.countsInDumpSnapshot = countsInDumpSnapshot
        self.deployment = deployment
    }

    /// A new id for a backup taken at `date`.
    public static func newID(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let random = String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
        return String(format: "%04d%02d%02d-%02d%02d%02d-", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
            + random
    }

    /// Whether `id` has the shape ``newID(at:)`` makes: ids become file and database names, so nothing else is accepted.
    public static func isValidID(_ id: String) -> Bool {
        id.count == 22 && id.allSatisfy { $0.isASCII && ($0.isNumber || ("a"..."f").contains($0) || $0 == "-") }
    }
}
