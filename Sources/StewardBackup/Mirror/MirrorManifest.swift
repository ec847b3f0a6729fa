import Foundation

/// What a mirror holds, kept beside the copies (`.steward-mirror.json`): for each object of the
/// source, by key relative to the source prefix, the size, ETag and date it had when it was copied
/// and the SHA-256 of the bytes copied.
///
/// A sync compares the source's listing with it and copies only what is new or changed; a restore
/// checks every copy against its SHA-256 before uploading it.
public struct MirrorManifest: Sendable, Codable, Equatable {
    /// One mirrored object.
    public struct Entry: Sendable, Codable, Equatable {
        /// The key relative to the source prefix (also the copy's relative path or key).
        public var key: String
        public var size: Int64
        /// The source's ETag when copied: a different one means the object changed.
        public var etag: String
        /// Lowercase hex SHA-256 of the bytes copied.
        public var sha256: String
        /// The source's last-modified time as it listed it.
        public var lastModified: String
        /// When the copy was made.
        public var copiedAt: Date
        /// Set when the object was gone from the source at a sync that keeps removed objects.
        public var removedAt: Date?
    }

    /// The manifest's shape; 1 is this one.
    public var version: Int = 1
    /// `s3://bucket/prefix` of the source (never a credential).
    public var source: String
    /// When the last sync finished.
    public var syncedAt: Date?
    /// Every mirrored object by relative key.
    public var entries: [String: Entry]

    public init(source: String, entries: [String: Entry] = [:]) {
        self.source = source
        self.entries = entries
    }

    /// The name of the manifest at the root of a mirror: never mirrored itself.
    public static let fileName = ".steward-mirror.json"
}
