import Foundation
public import Hummingbird
import NIOCore
import StewardHTTP

/// The proxy's admin API, for the control plane. Every route needs the proxy's bearer token.
///
/// - `GET /v1/routes` — the table in force.
/// - `PUT /v1/routes` — replace the whole table (JSON ``RouteTable``); 422 naming each problem, nothing changed.
/// - `GET /v1/stats` — per route and release: requests, 5xx, connection errors, latency (window and since start);
///   with `?window=5s` (1 s to 15 min) also `recent`: requests, errors, error rate and percentiles of that window.
/// - `GET /metrics` — the same in the Prometheus text format.
public enum ProxyAdminRoutes {
    /// No route is open: the proxy has no anonymous caller.
    public static let openRoutes: Set<String> = []

    /// Builds the router over a controller, protected by `token`.
    public static func router(controller: ProxyController, token: String) -> Router<StewardRequestContext> {
        let router = Router(context: StewardRequestContext.self)
        let expectedHash = TokenHash.of(token)
        let engine = controller.engine
        let index = RouteIndex()
        router.add(middleware: ErrorBodyMiddleware())
        router.add(middleware: BearerAuthMiddleware { TokenHash.constantTimeEquals($0, expectedHash) ? "control-plane" : nil })
        router.add(middleware: RequestBodyPolicyMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(index: index))
        router.get("/v1/routes") { _, _ in
            try JSONAnswer.response(engine.traffic.table)
        }
        router.put("/v1/routes") { request, _ in
            let table = try await JSONAnswer.decode(RouteTable.self, from: request)
            do {
                try await controller.replace(with: table)
            } catch let invalid as ProxyController.Invalid {
                throw APIError.unprocessable(
                    "the routing table is invalid; nothing was changed",
                    details: invalid.problems.map { APIError.Detail(message: $0.message, path: $0.path) })
            } catch let failed as ProxyController.NotApplied {
                throw APIError(.conflict, "\(failed.description); nothing was changed")
            }
            return try JSONAnswer.response(engine.traffic.table)
        }
        router.get("/v1/stats") { request, _ in
            try JSONAnswer.response(engine.stats.snapshot(of: engine.traffic.table, recent: try request.statsWindow()))
        }
        router.get("/metrics") { _, _ in
            let text = engine.stats.snapshot(of: engine.traffic.table).prometheusText
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        index.load(router)
        return router
    }
}
