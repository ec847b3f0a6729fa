import Hummingbird

/// Applies `LATENCY_MS` and `ERROR_RATE` to the JSON API endpoints (never to health or metrics).
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: Faults

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await faults.delay()
        if faults.shouldFail() {
            return JSONResponse.error(.internalServerError, "injected failure (ERROR_RATE)")
        }
        return try await next(request, context)
    }
}
