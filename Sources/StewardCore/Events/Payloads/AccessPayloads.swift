import Foundation

/// Payload of ``StewardEvent/userAdded(_:)``: a user was added with roles.
///
/// JSON (v1): `{"v":1, "user":NAME, "roles":["deployer@staging", "viewer"]}`, subject `user/NAME`.
/// A role is `ROLE` (every environment) or `ROLE@ENV`; the list is sorted. Fold: nothing
/// (users live in their own table).
public struct UserAdded: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey {
        case v, user, roles
    }

    public var user: String
    /// The roles, as `ROLE` or `ROLE@ENV`, sorted.
    public var roles: [String]

    public init(user: String, roles: [String]) {
        self.user = user
        self.roles = roles.sorted()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decode(String.self, forKey: .user)
        roles = try container.decode([String].self, forKey: .roles)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(user, forKey: .user)
        try container.encode(roles.sorted(), forKey: .roles)
    }
}

/// Payload of ``StewardEvent/userRemoved(_:)``: a user was removed and their tokens revoked.
///
/// JSON (v1): `{"v":1, "user":NAME, "revokedTokens":[ID…]}`, subject `user/NAME`. Fold: nothing.
public struct UserRemoved: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey {
        case v, user, revokedTokens
    }

    public var user: String
    /// The ids of the tokens that were still valid and are revoked with the user, sorted.
    public var revokedTokens: [String]

    public init(user: String, revokedTokens: [String]) {
        self.user = user
        self.revokedTokens = revokedTokens.sorted()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decode(String.self, forKey: .user)
        revokedTokens = try container.decode([String].self, forKey: .revokedTokens)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(user, forKey: .user)
        try container.encode(revokedTokens.sorted(), forKey: .revokedTokens)
    }
}

/// Payload of ``StewardEvent/tokenIssued(_:)``: a token was created for a user.
///
/// JSON (`token.created` v1, with the fields added compatibly): `{"v":1, "name":ID, "role":ROLES,
/// "user":NAME, "expires":TIME?}`, subject `token/ID`. `role` keeps the v1 meaning (what the token
/// grants: the user's roles, comma-separated) so older readers still read it; `expires` is absent
/// for a token that does not expire. The token's secret is never in the log. Fold: nothing.
public struct TokenIssued: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey {
        case v, name, role, user, expires
    }

    /// The token's id (its name in the v1 shape).
    public var id: String
    /// The user's roles when the token was created, comma-separated.
    public var role: String
    public var user: String
    public var expires: Date?

    public init(id: String, role: String, user: String, expires: Date?) {
        self.id = id
        self.role = role
        self.user = user
        self.expires = expires
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .name)
        role = try container.decode(String.self, forKey: .role)
        user = try container.decode(String.self, forKey: .user)
        expires = try container.decodeDateIfPresent(forKey: .expires)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(id, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(user, forKey: .user)
        try container.encodeDateIfPresent(expires, forKey: .expires)
    }
}

/// Payload of ``StewardEvent/tokenRevoked(_:)``: a token was revoked and no longer authenticates.
///
/// JSON (v1): `{"v":1, "token":ID, "user":NAME}`, subject `token/ID`. Fold: nothing.
public struct TokenRevoked: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey {
        case v, token, user
    }

    public var token: String
    public var user: String

    public init(token: String, user: String) {
        self.token = token
        self.user = user
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        token = try container.decode(String.self, forKey: .token)
        user = try container.decode(String.self, forKey: .user)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(token, forKey: .token)
        try container.encode(user, forKey: .user)
    }
}
