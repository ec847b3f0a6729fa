import GRDB

/// Where the log ends: the sequence number and hash of its last event.
///
/// Stored in the one-row `log_head` table and moved by the schema itself whenever an event is
/// inserted, so it can be compared with the events to notice rows removed from, or added to, the end.
public struct LogHead: Sendable, Codable, Equatable {
    /// The last event's sequence number, or 0 when the log is empty.
    public var lastSeq: Int64
    /// The last event's hash, or ``EventHash/genesis`` when the log is empty.
    public var lastHash: String

    /// The head of an empty log.
    public static let empty = LogHead(lastSeq: 0, lastHash: EventHash.genesis)

    /// Creates a head from its values.
    public init(lastSeq: Int64, lastHash: String) {
        self.lastSeq = lastSeq
        self.lastHash = lastHash
    }
}

extension LogHead: FetchableRecord {
    /// Decodes the row of the `log_head` table.
    public init(row: Row) throws {
        self.init(lastSeq: try row.decode(forColumn: "last_seq"), lastHash: try row.decode(forColumn: "last_hash"))
    }

    /// Fetches the head, or nil when its row is missing (which only tampering can cause).
    static func fetch(_ db: Database) throws -> LogHead? {
        try LogHead.fetchOne(db, sql: "SELECT last_seq, last_hash FROM log_head WHERE id = 1")
    }
}
