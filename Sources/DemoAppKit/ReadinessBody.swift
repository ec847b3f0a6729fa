/// The JSON of `/api/health/readyz`: `{"status":"Ready","version":"…","checks":{"database":"ok"}}`.
struct ReadinessBody: Codable, Sendable, Equatable {
    /// `Ready`, `NotReady` or `starting`.
    var status: String
    var version: String
    /// One entry per dependency: `ok`, `skipped` or the failure.
    var checks: [String: String] = [:]
    /// Why it is not ready when no dependency is to blame (an injected fault, the start delay).
    var reason: String?
}
