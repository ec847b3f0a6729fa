/// Why a backup, verification or restore could not go ahead; the message is a sentence for a person.
///
/// Messages never carry a password: URLs appear redacted (``PostgresTarget/redacted``).
public struct BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, for the caller's exit code or HTTP status.
    public enum Kind: String, Sendable {
        /// The request itself is wrong (a URL that does not parse, an unknown backup id).
        case invalid
        /// A safety rule refused it (a non-empty target without `force`).
        case refused
        /// The artifact does not match its manifest (checksum or size).
        case corrupt
        /// A tool or the server failed (pg_dump exit code, connection refused).
        case failed
        /// A restore was checked and did not pass; the old database is untouched.
        case verificationFailed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
