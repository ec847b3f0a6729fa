public import Hummingbird
import Prometheus
import StewardHTTP

/// Times every request into the request-duration histogram.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = StewardRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        defer { metrics.requestDuration.record(ContinuousClock.now - start) }
        return try await next(request, context)
    }
}
