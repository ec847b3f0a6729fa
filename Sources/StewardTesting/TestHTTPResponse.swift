/// What a ``TestHTTPServer`` answers.
public struct TestHTTPResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// The body.
    public var body: String
    /// Extra header fields (Content-Length and Connection are added by the server).
    public var headers: [String: String]

    /// A response; `headers` defaults to a JSON content type.
    public init(status: Int = 200, body: String = "", headers: [String: String] = ["Content-Type": "application/json"]) {
        self.status = status
        self.body = body
        self.headers = headers
    }
}
