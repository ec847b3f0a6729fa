public import Hummingbird
import Crypto
import Foundation

/// Rejects API requests (paths under `/api/` and `/v1/`) without a valid `Authorization: Bearer …` token with 401.
///
/// Tokens are never compared in clear: the middleware hashes what it receives (SHA-256)
/// and asks `isValid` about the hash, so a store only ever holds hashes.
public struct BearerAuthMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext
    let actorForHash: @Sendable (String) async throws -> String?
    let openPaths: Set<String>

    /// - Parameters:
    ///   - openPaths: paths served without a token (health checks, metrics).
    ///   - actorForHash: the name of the token with this hash (hex SHA-256), or nil when unknown.
    public init(openPaths: Set<String> = [], actorForHash: @escaping @Sendable (String) async throws -> String?) {
        self.actorForHash = actorForHash
        self.openPaths = openPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if openPaths.contains(request.uri.path) || request.uri.path == "/api/v1/openapi.json" || !request.uri.path.hasPrefix("/api/") && !request.uri.path.hasPrefix("/v1/") {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, "missing bearer token: send 'Authorization: Bearer TOKEN'")
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let actor = try await actorForHash(TokenHash.of(token)) else {
            throw APIError(.unauthorized, "invalid token")
        }
        var context = context
        context.actor = actor
        return try await next(request, context)
    }
}

/// Hashing and minting of API tokens.
public enum TokenHash {
    /// Hex SHA-256 of a token.
    public static func of(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random token: `stw_` and 64 hex digits (256 bits).
    public static func mint() -> String {
        var generator = SystemRandomNumberGenerator()
        return "stw_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
