/// One object as S3 lists or describes it.
public struct S3Object: Sendable, Codable, Equatable {
    public var key: String
    public var size: Int64
    /// The ETag without its quotes (an MD5 for a single-part upload, `…-N` for a multipart one).
    public var etag: String
    /// As S3 wrote it (ISO 8601 in a listing, RFC 1123 from HEAD).
    public var lastModified: String

    public init(key: String, size: Int64, etag: String, lastModified: String) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }

    static func unquoted(_ etag: String) -> String {
        var etag = etag
        if etag.hasPrefix("\"") { etag.removeFirst() }
        if etag.hasSuffix("\"") { etag.removeLast() }
        return etag
    }
}
