import Foundation

/// Payload of ``StewardEvent/secretChanged(_:)``: `secret.set`, `secret.rotated` or `secret.removed`.
///
/// In the log (v1): `{"v":1, "name":NAME, "environment":ENV?, "version":N}`, subject `secret/NAME`
/// (a value for every environment) or `secret/NAME/ENV`. What happened is the type's second part.
/// The value, and anything derived from it (a hash, a length), is never part of the event: the
/// vault keeps the value encrypted in its own table.
public struct SecretChanged: Sendable, Equatable, Codable {
    /// What happened to the secret.
    public enum Change: String, Sendable, CaseIterable {
        /// A value was stored (a new secret, or a new version of one set again).
        case set
        /// A new version replaced the value of an existing secret.
        case rotated
        /// Every version was deleted.
        case removed
    }

    enum CodingKeys: String, CodingKey {
        case v, name, environment, version
    }

    /// What happened; written as the event type, not in the payload.
    public var change: Change
    /// The secret's name, as `${secret:NAME}` references it.
    public var name: String
    /// The environment the value is for; nil for the value every environment falls back to.
    public var environment: String?
    /// The version written (set, rotated) or the newest version deleted (removed).
    public var version: Int

    /// Creates a payload.
    public init(change: Change, name: String, environment: String?, version: Int) {
        self.change = change
        self.name = name
        self.environment = environment
        self.version = version
    }

    /// The event type: `secret.set`, `secret.rotated` or `secret.removed`.
    public var type: String { "secret.\(change.rawValue)" }

    /// The subject: `secret/NAME`, or `secret/NAME/ENV` for an environment's own value.
    public var subject: String { "secret/\(name)" + (environment.map { "/\($0)" } ?? "") }

    /// Reads the payload; ``change`` is `.set` until the caller sets it from the type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        change = .set
        name = try container.decode(String.self, forKey: .name)
        environment = try container.decodeIfPresent(String.self, forKey: .environment)
        version = try container.decode(Int.self, forKey: .version)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(environment, forKey: .environment)
        try container.encode(version, forKey: .version)
    }
}
