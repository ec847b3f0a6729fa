import GRDB

extension EventLog {
    /// Checks the whole log's hash chain and its recorded head, and reports any tampering.
    ///
    /// Reads every event and the head from one consistent snapshot, then runs ``AuditVerifier``.
    /// Appends made meanwhile are simply not part of this check.
    ///
    /// - Returns: How many events were checked and what was found wrong.
    /// - Throws: ``StoreError`` when the database cannot be read.
    public func verify() throws -> AuditReport {
        let (events, head) = try perform {
            try writer.read { db in
                (try EventRecord.order(EventRecord.Columns.seq.asc).fetchAll(db), try LogHead.fetch(db))
            }
        }
        return AuditVerifier.verify(events, head: head)
    }
}
