/// Why `up` or `down` will not run anything: the directory and the history disagree, or the
/// request asks for something that cannot be done. Nothing has run when it is thrown.
public struct MigrationRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal, for callers that act on it.
    public enum Kind: String, Sendable {
        /// An applied migration's up file changed since it ran.
        case drift
        /// An applied migration's file is gone.
        case missing
        /// A pending migration is older than one already applied.
        case outOfOrder
        /// `--to` names no migration of the directory.
        case unknownVersion
        /// `up --to` names a version below what is applied, or `down --to` one above it.
        case wrongDirection
        /// A migration to revert has no down file.
        case irreversible
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
