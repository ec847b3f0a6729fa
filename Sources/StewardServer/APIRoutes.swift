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
    /// Builds the router. Every `/api/` path needs a bearer token known to the log.
    public static func router(controlPlane: ControlPlane, metrics: ServerMetrics) -> Router<StewardRequestContext> {
        let router = Router(context: StewardRequestContext.self)
        let log = controlPlane.log
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: BearerAuthMiddleware { hash in try log.token(withHash: hash)?.name })

        router.get("/healthz") { _, _ in try JSONAnswer.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            do {
                _ = try log.lastSequence()
                let reachable = await controlPlane.agentReachable
                return try JSONAnswer.response(["status": "Ready", "agent": reachable ? "reachable" : "unreachable"])
            } catch {
                return try JSONAnswer.response(["status": "NotReady", "store": "\(error)"], status: .serviceUnavailable)
            }
        }
        router.get("/metrics") { _, _ in
            let text = metrics.render(
                state: await controlPlane.state, snapshot: await controlPlane.agentSnapshot,
                agentReachable: await controlPlane.agentReachable)
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

        let api = router.group("/api/v1")
        addReadRoutes(to: api, controlPlane: controlPlane)
        addDeploymentRoutes(to: api, controlPlane: controlPlane)
        return router
    }
}
