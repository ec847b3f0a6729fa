import Foundation
public import Hummingbird
import NIOCore
import StewardCore
public import StewardHTTP
public import StewardOps
import StewardRuntime
import StewardStore

/// The control plane's HTTP API under `/api/v1`, plus `/healthz`, `/readyz`, `/metrics` and the dashboard.
///
/// Handlers only translate: they read the request, call the ``ControlPlane`` and render its
/// answer; every rule lives in the control plane and StewardCore.
public enum APIRoutes {
    /// The routes served without a token; every other route, and every unknown path, needs one.
    public static let openRoutes: Set<String> = [
        "GET /healthz", "GET /readyz", "GET /metrics", "GET /", "GET /api/v1/openapi.json",
    ]

    /// Builds the router: the open routes first, then the token check, then everything else.
    ///
    /// Order is the security boundary: router middleware applies only to routes added after
    /// it, so the open routes are exactly those registered before ``BearerAuthMiddleware``; the
    /// roles each protected route needs are checked by ``RolePermissionMiddleware`` against
    /// ``RoutePermissions/table``.
    /// - Parameter now: the clock that decides token expiry and stamps user and token events.
    public static func router(
        controlPlane: ControlPlane, metrics: ServerMetrics, now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<StewardRequestContext> {
        let router = Router(context: StewardRequestContext.self)
        let log = controlPlane.log
        let index = RouteIndex()
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorBodyMiddleware())
        addOpenRoutes(to: router, controlPlane: controlPlane, metrics: metrics)

        let authenticator = TokenAuthenticator(log: log, now: now)
        router.add(middleware: BearerAuthMiddleware { hash in try authenticator.caller(forHash: hash) })
        router.add(middleware: RequestBodyPolicyMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(index: index))
        router.add(
            middleware: RolePermissionMiddleware(
                environments: { await controlPlane.state.stack?.environments.map(\.name) ?? [] },
                deploymentEnvironment: { await controlPlane.state.deployments[$0]?.target.environment },
                runbookRunEnvironment: { await controlPlane.state.runbookRuns[$0]?.environment },
                backupEnvironment: { await controlPlane.backupEnvironment(id: $0) },
                drillEnvironment: { await controlPlane.drillEnvironment(id: $0) }))
        let api = router.group("/api/v1")
        addReadRoutes(to: api, controlPlane: controlPlane)
        addDeploymentRoutes(to: api, controlPlane: controlPlane)
        addRolloutRoutes(to: api, controlPlane: controlPlane)
        addGateRoutes(to: api, controlPlane: controlPlane)
        addOperationRoutes(to: api, controlPlane: controlPlane)
        addAccessRoutes(to: api, log: log, now: now)
        addSecretRoutes(to: api, controlPlane: controlPlane)
        addRunbookRoutes(to: api, controlPlane: controlPlane)
        addBackupRoutes(to: api, controlPlane: controlPlane)
        addMigrationRoutes(to: api, controlPlane: controlPlane)
        addDrillRoutes(to: api, controlPlane: controlPlane)
        addMirrorRoutes(to: api, controlPlane: controlPlane)
        index.load(router)
        return router
    }

    private static func addOpenRoutes(
        to router: Router<StewardRequestContext>, controlPlane: ControlPlane, metrics: ServerMetrics
    ) {
        let log = controlPlane.log
        router.get("/healthz") { _, _ in try JSONAnswer.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                _ = try log.lastSequence()
                let reachable = await controlPlane.agentReachable
                return try JSONAnswer.response(["status": "Ready", "agent": reachable ? "reachable" : "unreachable"])
            } catch {
                return try JSONAnswer.response(["status": "NotReady", "store": "unavailable"], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            let text = metrics.render(
                state: await controlPlane.state, snapshot: await controlPlane.agentSnapshot,
                agentReachable: await controlPlane.agentReachable,
                backups: (try? await controlPlane.backups(environment: nil)) ?? [])
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Dashboard.html)))
        }
        router.get("/api/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
