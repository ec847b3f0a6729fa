import GRDB

extension EventLog {
    /// Appends events to the end of the log in one transaction, chaining each to the one before.
    ///
    /// The events get consecutive sequence numbers after the current last one (the first event of
    /// a new log gets 1) and their hashes. Either every event of the batch is written or none is:
    /// if the schema refuses one of them, the whole batch is rolled back. Appends from many tasks
    /// are serialised by the database, so the chain never forks or skips a number.
    ///
    /// - Parameter events: The events to append, in order. An empty array writes nothing.
    /// - Returns: The stored events, with their sequence numbers and hashes, and times rounded to
    ///   the millisecond.
    /// - Throws: ``StoreError``: ``StoreError/Code/invalidValue`` when an event's type or actor is
    ///   empty or a field holds a line break; ``StoreError/Code/corrupted`` when the log head is missing.
    @discardableResult
    public func append(_ events: [NewEvent]) throws -> [EventRecord] {
        guard !events.isEmpty else { return [] }
        return try perform {
            try writer.write { db in
                guard var head = try LogHead.fetch(db) else {
                    throw StoreError(.corrupted, message: "the log head is missing")
                }
                var records: [EventRecord] = []
                records.reserveCapacity(events.count)
                for event in events {
                    let record = EventRecord(sealing: event, seq: head.lastSeq + 1, previousHash: head.lastHash)
                    // The schema checks the record extends the head, and moves the head (StoreMigrations).
                    try record.insert(db)
                    head = LogHead(lastSeq: record.seq, lastHash: record.hash)
                    records.append(record)
                }
                return records
            }
        }
    }
}
