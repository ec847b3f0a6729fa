import Foundation
import GRDB
import StewardCore

extension EventLog {
    /// Appends one event inside a write the caller already opened, so a change to another table
    /// and the event that records it commit together (or not at all).
    ///
    /// The chain rules are the same as ``append(_:)``'s; the schema enforces them.
    static func insert(event: StewardEvent, actor: String, time: Date, in db: Database) throws -> EventRecord {
        guard let head = try LogHead.fetch(db) else {
            throw StoreError(.corrupted, message: "the log head is missing")
        }
        let encoded = try event.encoded()
        let new = NewEvent(type: encoded.type, subject: encoded.subject, actor: actor, time: time, payload: encoded.payload)
        let record = EventRecord(sealing: new, seq: head.lastSeq + 1, previousHash: head.lastHash)
        try record.insert(db)
        return record
    }
}
