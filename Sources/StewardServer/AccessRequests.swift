import Foundation

/// The body of `POST /api/v1/users`.
public struct UserRequest: Codable, Sendable {
    public var name: String
    /// Grants as `ROLE` (every environment) or `ROLE@ENV`.
    public var roles: [String]

    public init(name: String, roles: [String]) {
        self.name = name
        self.roles = roles
    }
}

/// A user as the API shows it.
public struct UserView: Codable, Sendable, Equatable {
    public var name: String
    public var roles: [String]
    public var createdAt: Date

    public init(name: String, roles: [String], createdAt: Date) {
        self.name = name
        self.roles = roles
        self.createdAt = createdAt
    }
}

/// The answer to `DELETE /api/v1/users/{name}`: the user and the tokens revoked with them.
public struct RemovedUser: Codable, Sendable {
    public var user: String
    public var revokedTokens: [String]

    public init(user: String, revokedTokens: [String]) {
        self.user = user
        self.revokedTokens = revokedTokens
    }
}

/// The body of `POST /api/v1/tokens`.
public struct TokenRequest: Codable, Sendable {
    public var user: String
    /// How long the token is valid, such as `30d`, `12h` or `45m` (``TokenLifetime``); absent: it never expires.
    public var expiresIn: String?

    public init(user: String, expiresIn: String? = nil) {
        self.user = user
        self.expiresIn = expiresIn
    }
}

/// A token as the API shows it: never its secret, which is only in ``CreatedToken`` once.
public struct TokenView: Codable, Sendable, Equatable {
    public var id: String
    public var user: String
    /// `valid`, `expired` or `revoked`.
    public var state: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String, user: String, state: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?, lastUsedAt: Date?
    ) {
        self.id = id
        self.user = user
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}

/// The answer to `POST /api/v1/tokens`: the token's secret, shown this once and never stored.
public struct CreatedToken: Codable, Sendable {
    public var token: String
    public var id: String
    public var user: String
    public var expiresAt: Date?

    public init(token: String, id: String, user: String, expiresAt: Date?) {
        self.token = token
        self.id = id
        self.user = user
        self.expiresAt = expiresAt
    }
}

/// A token lifetime written as a number and a unit: `30d`, `12h`, `45m`.
public enum TokenLifetime {
    /// The lifetime in seconds, or nil when the text is not 1 to 3650 days' worth of `Nd`, `Nh` or `Nm`.
    public static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else { return nil }
        let scale: Int
        switch unit {
        case "d": scale = 86_400
        case "h": scale = 3_600
        case "m": scale = 60
        default: return nil
        }
        let seconds = number.multipliedReportingOverflow(by: scale)
        guard !seconds.overflow, seconds.partialValue <= 3650 * 86_400 else { return nil }
        return seconds.partialValue
    }
}

/// What a user or token name may be: 1 to 64 letters, digits, `.`, `_` or `-`.
public enum AccessName {
    /// Whether `name` is a valid user name.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }
}
