import Foundation
public import Hummingbird

/// Answers 401 to every request that does not carry a valid `Authorization: Bearer …` token.
///
/// The middleware never looks at the path: it protects exactly the routes that were added
/// to the router *after* it (Hummingbird attaches router middleware to the endpoints added
/// later, and to the not-found answer). So every route is denied unless it was registered as
/// open before this middleware, and `//api/v1/…`, `/./`, `%2F` or case variants can only
/// reach a protected route or the not-found answer, both behind the token check.
///
/// Tokens are never compared in clear: the middleware hashes what it receives (SHA-256)
/// and asks `callerForHash` about the hash, so a store only ever holds hashes. It sets the
/// context's `actor` (the user's name) and `grants` (their roles); what the roles allow is
/// decided by a later middleware, never inside handlers.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext
    let callerForHash: @Sendable (String) async throws -> Caller?

    /// - Parameter callerForHash: the user a valid token with this hash (hex SHA-256) belongs to,
    ///   or nil when the token is unknown, expired or revoked.
    public init(callerForHash: @escaping @Sendable (String) async throws -> Caller?) {
        self.callerForHash = callerForHash
    }

    /// - Parameter actorForHash: the name of the token with this hash (hex SHA-256), or nil when
    ///   unknown; the caller gets no roles (for APIs without roles, such as the agent's).
    public init(actorForHash: @escaping @Sendable (String) async throws -> String?) {
        self.callerForHash = { hash in try await actorForHash(hash).map { Caller(name: $0, grants: []) } }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "missing bearer token: send 'Authorization: Bearer TOKEN'")
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, let caller = try await callerForHash(TokenHash.of(token)) else {
            throw APIError(.unauthorized, "invalid token")
        }
        var context = context
        context.actor = caller.name
        context.grants = caller.grants
        return try await next(request, context)
    }
}
