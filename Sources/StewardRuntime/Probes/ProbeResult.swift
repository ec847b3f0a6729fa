/// The outcome of running one probe check once.
public struct ProbeResult: Sendable, Codable, Equatable {
    /// Whether the check passed.
    public var ok: Bool
    /// How long the check took, in milliseconds (the timeout when it timed out).
    public var latency: Double
    /// What happened: why it failed ("HTTP 503 from /api/health/readyz", "connection refused to
    /// 127.0.0.1:5432", "timed out after 1s"), or a short note when it passed ("HTTP 200").
    public var message: String

    /// Creates a result.
    public init(ok: Bool, latency: Double, message: String) {
        self.ok = ok
        self.latency = latency
        self.message = message
    }

    /// A passing result.
    public static func passed(_ message: String, latency: Double = 0) -> ProbeResult {
        ProbeResult(ok: true, latency: latency, message: message)
    }

    /// A failing result that says why.
    public static func failed(_ message: String, latency: Double = 0) -> ProbeResult {
        ProbeResult(ok: false, latency: latency, message: message)
    }
}
