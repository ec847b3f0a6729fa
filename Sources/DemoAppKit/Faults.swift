/// Misbehaviour injected on purpose, so that Steward's probes, rollbacks and alerts have something to see.
struct Faults: Sendable {
    /// Share of requests to the JSON API endpoints that answer 500 (`ERROR_RATE`, 0.0–1.0).
    var errorRate: Double = 0
    /// Delay added to each request to the JSON API endpoints (`LATENCY_MS`).
    var latency: LatencyRange?
    /// Health and readiness answer 503 (`FAIL_HEALTH`).
    var failHealth = false
    /// Readiness answers 503 "starting" for this long after start (`READY_DELAY_MS`).
    var readyDelay: Duration = .zero

    /// Whether this request should fail: a fresh draw per request, so the share holds on average.
    func shouldFail() -> Bool {
        errorRate > 0 && Double.random(in: 0..<1) < errorRate
    }

    /// Sleeps for the configured latency, if any.
    func delay() async throws {
        guard let latency else { return }
        let milliseconds = latency.sample()
        if milliseconds > 0 { try await Task.sleep(for: .milliseconds(milliseconds)) }
    }
}
