import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardStore

extension APIRoutes {
    /// `/users` and `/tokens`: who may call the API. Only admins reach them (``RoutePermissions``).
    static func addAccessRoutes(
        to api: RouterGroup<StewardRequestContext>, log: EventLog, now: @escaping @Sendable () -> Date
    ) {
        api.get("/users") { _, _ in
            try JSONAnswer.response(try log.users().map { UserView(name: $0.name, roles: $0.roles, createdAt: $0.createdAt) })
        }
        api.post("/users") { request, context in
            let body = try await JSONAnswer.decode(UserRequest.self, from: request)
            guard AccessName.isValid(body.name) else {
                throw APIError.unprocessable("user name '\(body.name)' must be 1 to 64 letters, digits, '.', '_' or '-'")
            }
            let grants = try Self.grants(body.roles)
            let user = UserRecord(name: body.name, roles: grants.map(\.description), createdAt: now())
            let event = try Self.newEvent(.userAdded(UserAdded(user: user.name, roles: user.roles)), actor: context.actor, time: user.createdAt)
            do {
                try log.addUser(user, event: event)
            } catch let error as StoreError where error.code == .conflict {
                throw APIError.conflict("user '\(body.name)' already exists")
            }
            return try JSONAnswer.response(UserView(name: user.name, roles: user.roles, createdAt: user.createdAt), status: .created)
        }
        api.delete("/users/:name") { _, context in
            let name = try context.parameters.require("name")
            let remaining = try log.users().filter { $0.name != name }
            guard try log.user(named: name) != nil else { throw APIError.notFound("no user '\(name)'") }
            guard remaining.contains(where: { $0.roles.contains(Role.admin.rawValue) }) else {
                throw APIError.conflict("removing '\(name)' would leave no user with the role 'admin' in every environment")
            }
            let actor = context.actor
            let time = now()
            guard let revoked = try log.removeUser(named: name, at: time, event: { revoked in
                try Self.newEvent(.userRemoved(UserRemoved(user: name, revokedTokens: revoked)), actor: actor, time: time)
            }) else { throw APIError.notFound("no user '\(name)'") }
            return try JSONAnswer.response(RemovedUser(user: name, revokedTokens: revoked))
        }
        api.get("/tokens") { _, _ in
            let time = now()
            return try JSONAnswer.response(try log.tokens().map { Self.view($0, at: time) })
        }
        api.post("/tokens") { request, context in
            let body = try await JSONAnswer.decode(TokenRequest.self, from: request)
            let lifetime = try body.expiresIn.map { text in
                guard let seconds = TokenLifetime.seconds(text) else {
                    throw APIError.unprocessable(
                        "expiresIn is '\(text)'; expected a number and a unit, such as 30d, 12h or 45m (at most 3650d)")
                }
                return seconds
            }
            guard let user = try log.user(named: body.user) else { throw APIError.notFound("no user '\(body.user)'") }
            let time = now()
            let expires = lifetime.map { time.addingTimeInterval(TimeInterval($0)) }
            let secret = TokenHash.mint()
            let id = "tok_" + String(TokenHash.mint().dropFirst(4).prefix(12))
            let role = user.roles.joined(separator: ",")
            let event = try Self.newEvent(
                .tokenIssued(TokenIssued(id: id, role: role, user: user.name, expires: expires)), actor: context.actor, time: time)
            let stored = try log.issueToken(
                id: id, user: user.name, role: role, tokenHash: TokenHash.of(secret), createdAt: time, expiresAt: expires,
                event: event)
            return try JSONAnswer.response(
                CreatedToken(token: secret, id: id, user: user.name, expiresAt: stored.expiresAt), status: .created)
        }
        api.delete("/tokens/:id") { _, context in
            let id = try context.parameters.require("id")
            let actor = context.actor
            let time = now()
            let revoked: TokenRecord?
            do {
                revoked = try log.revokeToken(id: id, at: time) { token in
                    try Self.newEvent(.tokenRevoked(TokenRevoked(token: id, user: token.userName)), actor: actor, time: time)
                }
            } catch let error as StoreError where error.code == .conflict {
                throw APIError.conflict("token '\(id)' is already revoked")
            }
            guard var token = revoked else { throw APIError.notFound("no token '\(id)'") }
            token.revokedAt = time
            return try JSONAnswer.response(Self.view(token, at: time))
        }
    }

    /// Parses grants, refusing unknown roles with a 422 that names them and the known ones.
    static func grants(_ texts: [String]) throws -> [RoleGrant] {
        guard !texts.isEmpty else {
            throw APIError.unprocessable("a user needs at least one role, such as 'viewer' or 'deployer@staging'")
        }
        return try texts.enumerated().map { index, text in
            guard let grant = RoleGrant(text) else {
                let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.unprocessable(
                    "role '\(text)' is not ROLE or ROLE@ENV with a known role (\(known))",
                    details: [.init(message: "unknown role '\(text)'", path: "roles[\(index)]")])
            }
            return grant
        }
    }

    static func newEvent(_ event: StewardEvent, actor: String, time: Date) throws -> NewEvent {
        let encoded = try event.encoded()
        return NewEvent(type: encoded.type, subject: encoded.subject, actor: actor, time: time, payload: encoded.payload)
    }

    static func view(_ token: TokenRecord, at time: Date) -> TokenView {
        let state = token.revokedAt != nil ? "revoked" : token.isValid(at: time) ? "valid" : "expired"
        return TokenView(
            id: token.name, user: token.userName, state: state, createdAt: token.createdAt, expiresAt: token.expiresAt,
            revokedAt: token.revokedAt, lastUsedAt: token.lastUsedAt)
    }
}
