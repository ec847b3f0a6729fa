import Foundation
public import StewardOps
public import StewardStore

/// The body of `PUT /api/v1/secrets/{name}` and `POST /api/v1/secrets/{name}/rotate`.
///
/// The value travels in the body only, never in the path or the query (which end up in logs).
public struct SecretRequest: Codable, Sendable {
    /// The secret's value: non-empty, at most 64 KiB of UTF-8.
    public var value: String
    /// The environment the value is for; absent for every environment.
    public var environment: String?
    /// On rotate: roll every service that reads the secret with its current version.
    public var restart: Bool?

    public init(value: String, environment: String? = nil, restart: Bool? = nil) {
        self.value = value
        self.environment = environment
        self.restart = restart
    }

    enum CodingKeys: String, CodingKey {
        case value, environment, restart
    }

    /// Reads the body; an optional field is absent or of its type, never `null` (as documented).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        value = try container.decode(String.self, forKey: .value)
        environment = container.contains(.environment) ? try container.decode(String.self, forKey: .environment) : nil
        restart = container.contains(.restart) ? try container.decode(Bool.self, forKey: .restart) : nil
    }
}

/// The answer of `POST /api/v1/secrets/{name}/rotate`: the secret's new version and, with
/// `restart`, the rolling deployments started for its users.
public struct SecretRotatedAnswer: Codable, Sendable {
    public var secret: SecretInfo
    public var restart: ControlPlane.SecretRestart?
}
