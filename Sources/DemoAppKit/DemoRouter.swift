import Hummingbird
import NIOCore

/// Assembles every route of `demo-app`.
enum DemoRouter {
    /// Health, readiness and metrics answer without injected faults; the JSON API goes through them.
    static func build(
        configuration: DemoConfiguration, metrics: Metrics, readiness: Readiness
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestObserverMiddleware(metrics: metrics))
        HealthRoutes(version: configuration.version, failHealth: configuration.faults.failHealth, readiness: readiness)
            .register(on: router)
        let version = configuration.version
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(version: version)))
            )
        }
        let api = router.group("api").add(middleware: FaultMiddleware(faults: configuration.faults))
        APIRoutes(version: configuration.version).register(on: api)
        return router
    }
}
