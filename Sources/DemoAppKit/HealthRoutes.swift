import Hummingbird

/// `/api/health/healthz` (liveness, no dependency checks) and `/api/health/readyz` (readiness).
struct HealthRoutes: Sendable {
    let version: String
    let failHealth: Bool
    let readiness: Readiness

    /// Adds both endpoints to `router`.
    func register(on router: Router<BasicRequestContext>) {
        router.get("api/health/healthz") { _, _ in
            if failHealth {
                return JSONResponse.make(
                    .serviceUnavailable, HealthBody(status: "failing", version: version, reason: "FAIL_HEALTH is set"))
            }
            return JSONResponse.make(.ok, HealthBody(status: "ok", version: version))
        }
        router.get("api/health/readyz") { _, _ in
            let (status, body) = await readiness.evaluate()
            return JSONResponse.make(status, body)
        }
    }
}
