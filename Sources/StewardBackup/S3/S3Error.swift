/// A request to S3 that failed: S3's own error code and message when it sent one.
///
/// The description names the operation, the bucket and key and what S3 said; it never holds a
/// credential (requests are signed, never logged, and S3 does not echo secrets).
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation (`PutObject`, `UploadPart`, `ListObjectsV2`, …).
    public var operation: String
    /// `bucket/key` or `bucket`.
    public var resource: String
    /// The HTTP status, 0 when no answer came.
    public var status: Int
    /// S3's code (`NoSuchKey`, `AccessDenied`, `SignatureDoesNotMatch`), or `RequestFailed`
    /// when the request did not get an answer, or `HTTP<status>` when the answer had no error body.
    public var code: String
    public var message: String

    public init(operation: String, resource: String, status: Int, code: String, message: String) {
        self.operation = operation
        self.resource = resource
        self.status = status
        self.code = code
        self.message = message
    }

    /// Whether S3 said the key or bucket does not exist.
    public var isNotFound: Bool { status == 404 || code == "NoSuchKey" || code == "NotFound" }

    public var description: String {
        let status = status == 0 ? "" : " (HTTP \(status))"
        return "S3 \(operation) of \(resource) failed\(status): \(code): \(message)"
    }
}
