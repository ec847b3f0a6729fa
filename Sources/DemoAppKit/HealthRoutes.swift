import Hummingbird

/// `/api/health/healthz` (liveness, no dependency checks), `/api/health/readyz` (readiness) and
/// `/api/health/detailed` (the readiness answer, as the auterity guide's runbooks call it).
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
        for path in ["api/health/readyz", "api/health/detailed"] {
            router.get(RouterPath(path)) { _, _ in
                let (status, body) = await readiness.evaluate()
                return JSONResponse.make(status, body)
            }
        }
    }
}
