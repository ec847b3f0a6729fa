public import StewardCore

/// Why a migration run stopped; the message is a sentence for a person and never holds a password.
public struct MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for the caller's exit code or HTTP status.
    public enum Kind: String, Sendable {
        /// The migrations directory cannot be used (missing, unreadable, a bad file name).
        case invalid
        /// The directory and the history disagree, or the request cannot be done (``MigrationRefusal``).
        case refused
        /// Another run holds the migration lock of the database and did not let go in time.
        case busy
        /// A migration failed and was rolled back; the schema is as it was before it.
        case failed
        /// The server could not be reached or answered with an error outside any migration.
        case unreachable
    }

    public var kind: Kind
    public var message: String
    /// failed: the migration whose transaction was rolled back.
    public var version: Int?
    public var name: String?

    public init(_ kind: Kind, _ message: String, version: Int? = nil, name: String? = nil) {
        self.kind = kind
        self.message = message
        self.version = version
        self.name = name
    }

    public var description: String { message }
}
