import Foundation

/// What the vault tells about a secret: never its value.
///
/// As JSON (the API's answer): `{"name", "environment"?, "version", "versions", "setBy", "setAt"}`,
/// with `environment` absent for the value every environment falls back to.
public struct SecretInfo: Sendable, Equatable, Codable {
    /// The secret's name, as `${secret:NAME}` references it.
    public var name: String
    /// The environment the value is for; nil for every environment.
    public var environment: String?
    /// The newest version, the one in use.
    public var version: Int
    /// How many versions are kept.
    public var versions: Int
    /// Who wrote the newest version.
    public var setBy: String
    /// When the newest version was written, to the millisecond.
    public var setAt: Date

    /// Creates a description of a secret.
    public init(name: String, environment: String?, version: Int, versions: Int, setBy: String, setAt: Date) {
        self.name = name
        self.environment = environment
        self.version = version
        self.versions = versions
        self.setBy = setBy
        self.setAt = setAt
    }
}

/// The outcome of a change to the vault: the secret as it is now and the event that recorded it.
public struct SecretChange: Sendable {
    /// The secret after the change (for a removal, as it was before).
    public var info: SecretInfo
    /// The event appended in the same transaction as the change.
    public var event: EventRecord
}
