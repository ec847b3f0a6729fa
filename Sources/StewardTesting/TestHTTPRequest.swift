/// A request received by a ``TestHTTPServer``.
public struct TestHTTPRequest: Sendable, Equatable {
    /// The method, such as `GET`.
    public var method: String
    /// The request target, such as `/api/health/readyz?full=1`.
    public var path: String
    /// The header fields, names lowercased.
    public var headers: [String: String]
    /// The body (as long as its Content-Length says; empty without one).
    public var body: String

    /// Creates a request value.
    public init(method: String, path: String, headers: [String: String], body: String = "") {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}
