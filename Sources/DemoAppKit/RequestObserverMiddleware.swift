import Hummingbird

/// Outermost middleware: turns errors into JSON answers, then counts, times and logs every request.
///
/// It sees unknown paths too (the router sends them through its middleware to a not-found responder),
/// so every answer is JSON and every request is one log line.
struct RequestObserverMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: Metrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            response = JSONResponse.error(error.status, message)
        } catch {
            response = JSONResponse.error(.internalServerError, "internal error")
        }
        let elapsed = ContinuousClock.now - start
        // The route pattern (`/api/v1/items/{id}`), never the raw path, so the label set stays small.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        metrics.record(path: route, status: response.status.code, duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds / 10_000_000_000_000) / 100
            + Double(elapsed.components.seconds) * 1000
        Console.output("\(request.method) \(request.uri.path) \(response.status.code) \(milliseconds)ms")
        return response
    }
}
