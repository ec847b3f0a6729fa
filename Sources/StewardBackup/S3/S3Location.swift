/// A bucket and a key prefix: `s3://bucket/prefix`.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    public var bucket: String
    /// Without a leading or trailing slash; empty for the whole bucket.
    public var prefix: String

    public init(bucket: String, prefix: String = "") throws {
        guard Self.isValidBucket(bucket) else {
            throw BackupError(
                .invalid,
                "'\(bucket)' is not a bucket name: expected 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit")
        }
        let prefix = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        guard !prefix.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            throw BackupError(.invalid, "the prefix '\(prefix)' must not contain '.' or '..' segments")
        }
        self.bucket = bucket
        self.prefix = prefix
    }

    /// Parses `s3://bucket` or `s3://bucket/some/prefix`.
    /// - Throws: ``BackupError/Kind/invalid`` naming what was found and what was expected.
    public init(url: String) throws {
        guard url.hasPrefix("s3://") else {
            throw BackupError(.invalid, "'\(url)' is not an S3 location: expected s3://BUCKET/PREFIX")
        }
        let rest = url.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        try self.init(bucket: String(bucket), prefix: String(rest.dropFirst(bucket.count)))
    }

    /// The key of `name` under the prefix.
    public func key(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix)/\(name)" }

    /// The prefix to list with: `prefix/`, or empty.
    public var listPrefix: String { prefix.isEmpty ? "" : prefix + "/" }

    public var description: String { prefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(prefix)" }

    static func isValidBucket(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last,
            first.isASCII && (first.isLowercase || first.isNumber), last.isASCII && (last.isLowercase || last.isNumber)
        else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }
    }
}
