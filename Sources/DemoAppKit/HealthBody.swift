/// The JSON of `/api/health/healthz`: `{"status":"ok","version":"…"}`.
struct HealthBody: Codable, Sendable, Equatable {
    /// `ok`, or `failing` when `FAIL_HEALTH` is set.
    var status: String
    var version: String
    /// Why it is failing, if it is.
    var reason: String?
}
