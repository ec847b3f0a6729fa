import StewardCore

/// Where backups are kept: a folder (``BackupStore``) or a bucket (``S3BackupStore``), with the
/// same layout in both: `ID.dump` (the artifact), `ID.json` (its manifest) and, once checked,
/// `ID.verification.json`.
///
/// The one rule every storage keeps: a manifest exists only once its artifact is complete
/// (``commitArtifact(_:staged:sha256:)`` returns before ``save(_:)-(BackupManifest)`` is called),
/// and deleting removes the manifest first.
public protocol BackupStorage: Sendable {
    /// Where, for messages and logs: a folder path or `s3://bucket/prefix` (never a credential).
    var location: String { get }

    /// The manifest of `id`; throws ``BackupError/Kind/invalid`` for an unknown or malformed id.
    func manifest(_ id: String) async throws -> BackupManifest
    /// Every backup with a manifest, oldest first.
    func manifests() async throws -> [BackupManifest]
    /// The last verification of `id`, when there was one (and it can be read).
    func verification(_ id: String) async -> VerificationResult?
    /// What retention needs to know about every backup.
    func retained() async throws -> [RetainedBackup]
    /// Whether `id` has a manifest.
    func hasManifest(_ id: String) async throws -> Bool

    /// Writes a manifest; call only after ``commitArtifact(_:staged:sha256:)``.
    func save(_ manifest: BackupManifest) async throws
    /// Writes the result of a verification beside its backup.
    func save(_ verification: VerificationResult) async throws
    /// Removes a backup, manifest first.
    func delete(_ id: String) async throws

    /// Where `create` writes the artifact of `id` while pg_dump runs (a new file that must not exist).
    /// - Parameter scratch: a private (0700) directory that lives until the backup is committed.
    func stagingPath(for id: String, scratch: String) -> String
    /// Makes the staged, fsynced artifact the backup's artifact; on failure nothing of it is left in the storage.
    func commitArtifact(_ id: String, staged path: String, sha256: String) async throws
    /// Removes what a `create` of `id` cut short by a restart left in the storage: a folder's
    /// `ID.dump.partial`, a bucket's unfinished multipart uploads of `ID.dump`.
    /// - Returns: the names removed, for the record.
    func discardStaged(_ id: String) async -> [String]
    /// A local file with the artifact of `id`, and the size and SHA-256 of its bytes as read.
    ///
    /// A folder store hands out its own file; a bucket downloads into `scratch` (0600), hashing on the way.
    /// The caller compares them with the manifest before using the file.
    func fetchArtifact(_ id: String, scratch: String) async throws -> FetchedArtifact
}

/// An artifact available as a local file, with what its bytes hash to.
public struct FetchedArtifact: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var sha256: String

    public init(path: String, size: Int64, sha256: String) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }
}
