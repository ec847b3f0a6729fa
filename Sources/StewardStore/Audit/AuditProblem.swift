/// One thing wrong with the log, found by ``AuditVerifier``.
public struct AuditProblem: Sendable, Codable, Equatable {
    /// What kind of tampering the problem points to.
    public enum Kind: String, Sendable, Codable, Equatable {
        /// An event's content no longer matches its own hash.
        case edited
        /// Events are missing, in the middle (a gap in `seq`) or at the end (before the recorded head).
        case deleted
        /// An event was added that the chain shows does not belong: one the next event links past,
        /// one beyond the recorded head, or a second copy of a sequence number.
        case inserted
        /// An event is intact by itself but does not link to the event before it: one of the two was replaced.
        case brokenLink
        /// The recorded head of the log disagrees with the last event, or is missing.
        case headMismatch
    }

    /// The sequence number the problem is about; 0 when it concerns the log as a whole.
    public var seq: Int64
    /// What kind of tampering the problem points to.
    public var kind: Kind
    /// One sentence for a person, such as
    /// "event 17 (deployment.started) was edited: its content no longer matches its hash".
    public var message: String

    /// Creates a problem.
    public init(seq: Int64, kind: Kind, message: String) {
        self.seq = seq
        self.kind = kind
        self.message = message
    }
}
