public import Hummingbird
import Foundation
import StewardCore
import StewardHTTP
public import StewardRuntime

/// The agent's HTTP API, host-agnostic so remote hosts work the same way:
///
/// - `GET /v1/instances[?after=GEN&waitMs=N]` — a snapshot; with `after`, waits until something changes.
/// - `PUT /v1/instances/{id}` — start an instance (idempotent).
/// - `DELETE /v1/instances/{id}` — stop it gracefully; answers when its processes are gone.
/// - `GET /v1/instances/{id}/log?offset=N&limit=N` — part of its output.
/// - `GET /healthz` — unauthenticated liveness of the agent itself.
public enum AgentRoutes {
    /// The routes served without a token; every other route, and every unknown path, needs one.
    public static let openRoutes: Set<String> = ["GET /healthz"]

    /// Builds the router over a supervisor, protected by `token`.
    public static func router(supervisor: Supervisor, token: String) -> Router<StewardRequestContext> {
        let router = Router(context: StewardRequestContext.self)
        let expectedHash = TokenHash.of(token)
        let index = RouteIndex()
        router.add(middleware: ErrorBodyMiddleware())
        // Open routes go before the token check: middleware applies only to routes added after it.
        router.get("/healthz") { _, _ in
            try JSONAnswer.response(["status": "ok", "agent": supervisor.agentID])
        }
        router.add(middleware: BearerAuthMiddleware { TokenHash.constantTimeEquals($0, expectedHash) ? "control-plane" : nil })
        router.add(middleware: RequestBodyPolicyMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(index: index))
        router.get("/v1/instances") { request, _ in
            guard let after = request.uri.queryParameters.get("after", as: UInt64.self) else {
                return try JSONAnswer.response(await supervisor.snapshot())
            }
            let waitMs = min(max(request.uri.queryParameters.get("waitMs", as: Int.self) ?? 0, 0), 60_000)
            // Long poll: woken by the change itself (or the deadline); snapshots are redacted.
            await supervisor.waitForChange(after: after, timeout: .milliseconds(waitMs))
            return try JSONAnswer.response(await supervisor.snapshot())
        }
        router.put("/v1/instances/:id") { request, context in
            let id = try context.parameters.require("id")
            let spec = try await JSONAnswer.decode(InstanceSpec.self, from: request)
            guard spec.id == id else {
                throw APIError.badRequest("the body's id '\(spec.id)' does not match the path's '\(id)'")
            }
            guard !spec.command.isEmpty else { throw APIError.badRequest("'command' must not be empty") }
            do {
                return try JSONAnswer.response(try await supervisor.ensureRunning(spec))
            } catch {
                throw APIError(.internalServerError, "cannot record instance \(id): \(error)")
            }
        }
        router.delete("/v1/instances/:id") { _, context in
            let id = try context.parameters.require("id")
            let existed = await supervisor.stop(id)
            return try JSONAnswer.response(["id": id, "result": existed ? "stopped" : "absent"])
        }
        router.get("/v1/instances/:id/log") { request, context in
            let id = try context.parameters.require("id")
            let offset = request.uri.queryParameters.get("offset", as: Int.self) ?? -65536
            let limit = min(request.uri.queryParameters.get("limit", as: Int.self) ?? 65536, 1 << 20)
            guard let chunk = await supervisor.readLog(id, offset: offset, limit: limit) else {
                throw APIError.notFound("no instance '\(id)' on this agent")
            }
            return try JSONAnswer.response(chunk)
        }
        index.load(router)
        return router
    }
}
