import Hummingbird

/// Decides what `/api/health/readyz` answers: injected failure, still starting, or the database's state.
struct Readiness: Sendable {
    /// Reported in every answer.
    let version: String
    let faults: Faults
    /// `nil` when no `DATABASE_URL` is set: the check is then "skipped".
    let database: DatabaseProbe?
    /// When the process started, for `READY_DELAY_MS`.
    let startedAt: ContinuousClock.Instant

    init(configuration: DemoConfiguration, startedAt: ContinuousClock.Instant) {
        version = configuration.version
        faults = configuration.faults
        database = configuration.database.map { DatabaseProbe(url: $0) }
        self.startedAt = startedAt
    }

    /// The status code and body for one readiness probe.
    func evaluate() async -> (HTTPResponse.Status, ReadinessBody) {
        if faults.failHealth {
            return (.serviceUnavailable, ReadinessBody(status: "NotReady", version: version, reason: "FAIL_HEALTH is set"))
        }
        if ContinuousClock.now - startedAt < faults.readyDelay {
            return (.serviceUnavailable, ReadinessBody(status: "starting", version: version, reason: "READY_DELAY_MS has not elapsed yet"))
        }
        guard let database else {
            return (.ok, ReadinessBody(status: "Ready", version: version, checks: ["database": "skipped"]))
        }
        if let failure = await database.check() {
            return (.serviceUnavailable, ReadinessBody(status: "NotReady", version: version, checks: ["database": failure]))
        }
        return (.ok, ReadinessBody(status: "Ready", version: version, checks: ["database": "ok"]))
    }
}
