import Foundation
import GRDB
import StewardCore

/// One event as stored in the log, with its place in the hash chain.
///
/// A row of the `events` table. `time` is stored as whole milliseconds since 1970 so that the hash
/// recomputed from a fetched event is exactly the one computed at append time.
public struct EventRecord: Sendable, Codable, Equatable {
    /// The event's position in the log: 1 for the first event, then consecutive.
    public var seq: Int64
    /// When it happened, to the millisecond.
    public var time: Date
    /// What happened, such as `deployment.started`.
    public var type: String
    /// What it happened to, such as `deployment/12`.
    public var subject: String
    /// Who caused it.
    public var actor: String
    /// The event's details as JSON bytes.
    public var payload: Data
    /// The hash of the event before, or ``EventHash/genesis`` for the first event.
    public var previousHash: String
    /// This event's hash; see ``EventHash``.
    public var hash: String

    /// Creates a record from stored values, without computing anything.
    ///
    /// Use ``init(sealing:seq:previousHash:)`` to make a record for a new event.
    public init(
        seq: Int64,
        time: Date,
        type: String,
        subject: String,
        actor: String,
        payload: Data,
        previousHash: String,
        hash: String
    ) {
        self.seq = seq
        self.time = time
        self.type = type
        self.subject = subject
        self.actor = actor
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Creates the record for a new event at a given place in the chain, computing its hash.
    ///
    /// The time is rounded to the millisecond first, so the record equals the one fetched back later.
    ///
    /// - Parameters:
    ///   - event: The event to seal.
    ///   - seq: Its sequence number.
    ///   - previousHash: The hash of the event before it.
    public init(sealing event: NewEvent, seq: Int64, previousHash: String) {
        let millis = EventHash.milliseconds(of: event.time)
        self.init(
            seq: seq,
            time: EventHash.date(milliseconds: millis),
            type: event.type,
            subject: event.subject,
            actor: event.actor,
            payload: event.payload,
            previousHash: previousHash,
            hash: EventHash.hash(
                previousHash: previousHash,
                seq: seq,
                timeMillis: millis,
                type: event.type,
                subject: event.subject,
                actor: event.actor,
                payload: event.payload
            )
        )
    }
}

extension EventRecord: FetchableRecord, PersistableRecord {
    /// The table that holds the log.
    public static var databaseTableName: String { "events" }

    /// The columns of the `events` table.
    public enum Columns {
        /// `seq INTEGER PRIMARY KEY`.
        public static let seq = Column("seq")
        /// `time_ms INTEGER`: milliseconds since 1970.
        public static let time = Column("time_ms")
        /// `type TEXT`.
        public static let type = Column("type")
        /// `subject TEXT`.
        public static let subject = Column("subject")
        /// `actor TEXT`.
        public static let actor = Column("actor")
        /// `payload BLOB`.
        public static let payload = Column("payload")
        /// `previous_hash TEXT`.
        public static let previousHash = Column("previous_hash")
        /// `hash TEXT`.
        public static let hash = Column("hash")
    }

    /// Decodes a row of the `events` table.
    public init(row: Row) throws {
        self.init(
            seq: try row.decode(forColumn: Columns.seq),
            time: EventHash.date(milliseconds: try row.decode(forColumn: Columns.time)),
            type: try row.decode(forColumn: Columns.type),
            subject: try row.decode(forColumn: Columns.subject),
            actor: try row.decode(forColumn: Columns.actor),
            payload: try row.decode(forColumn: Columns.payload),
            previousHash: try row.decode(forColumn: Columns.previousHash),
            hash: try row.decode(forColumn: Columns.hash)
        )
    }

    /// Encodes the record as a row of the `events` table.
    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.seq] = seq
        container[Columns.time] = EventHash.milliseconds(of: time)
        container[Columns.type] = type
        container[Columns.subject] = subject
        container[Columns.actor] = actor
        container[Columns.payload] = payload
        container[Columns.previousHash] = previousHash
        container[Columns.hash] = hash
    }
}

extension EventRecord {
    /// The event this record holds; nil for one this version skips or cannot read.
    public var event: StewardEvent? {
        guard case .event(let event)? = try? StewardEvent.decode(seq: seq, type: type, subject: subject, payload: payload)
        else { return nil }
        return event
    }
}
