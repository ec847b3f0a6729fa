import Foundation
import GRDB
public import StewardCore

extension EventLog {
    /// Events between checkpoints: start-up folds at most about this many events after the latest one.
    public static let checkpointInterval: Int64 = 5_000

    /// Builds the state from the log: the latest valid checkpoint, then the events after it.
    ///
    /// A checkpoint is used only when it decodes and the event it covers is in the log with the hash
    /// it names; otherwise an earlier one is tried, and finally a fold from the first event. The
    /// time taken grows with the events since the checkpoint, not with the whole history.
    ///
    /// - Returns: The state, the last sequence number, and the informational events skipped.
    /// - Throws: ``EventFormatError`` naming the event when the log holds one this version cannot fold
    ///   (written by a newer Steward); ``StoreError`` when the database cannot be read.
    public func loadState() throws -> LoadedState {
        do {
            return try writer.read { db in
                let checkpoint = try Self.latestValidCheckpoint(db)
                var fold = checkpoint.map(StateFold.init(checkpoint:)) ?? StateFold()
                var folded = 0
                let cursor = try EventRecord.filter(EventRecord.Columns.seq > fold.lastSeq)
                    .order(EventRecord.Columns.seq.asc).fetchCursor(db)
                while let record = try cursor.next() {
                    try fold.fold(seq: record.seq, type: record.type, subject: record.subject, payload: record.payload)
                    folded += 1
                }
                guard let head = try LogHead.fetch(db) else {
                    throw StoreError(.corrupted, message: "the log head is missing")
                }
                return LoadedState(
                    state: fold.state, lastSeq: fold.lastSeq, lastHash: head.lastHash, checkpointSeq: checkpoint?.seq, foldedEvents: folded,
                    skipped: fold.skipped)
            }
        } catch let error as EventFormatError {
            throw error
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Appends a checkpoint of `state`, the fold of the log up to the event `seq` with hash `hash`.
    ///
    /// The checkpoint is an event like any other, so the hash chain and ``verify()`` cover it.
    ///
    /// - Returns: The stored checkpoint event.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func appendCheckpoint(_ state: StackState, covering seq: Int64, hash: String, time: Date) throws -> EventRecord {
        let encoded = try StewardEvent.checkpoint(StateCheckpoint(seq: seq, hash: hash, state: state)).encoded()
        let event = NewEvent(type: encoded.type, subject: encoded.subject, actor: "steward", time: time, payload: encoded.payload)
        guard let record = try append([event]).first else {
            throw StoreError(.corrupted, message: "the checkpoint was not appended")
        }
        return record
    }

    /// The newest checkpoint that decodes and matches the chain, among the last few.
    private static func latestValidCheckpoint(_ db: Database) throws -> StateCheckpoint? {
        let candidates = try EventRecord.filter(EventRecord.Columns.type == EventFormat.checkpointType)
            .order(EventRecord.Columns.seq.desc).limit(3).fetchAll(db)
        for candidate in candidates {
            guard case .checkpoint(let checkpoint)? = candidate.event, checkpoint.seq < candidate.seq else { continue }
            let covered = try String.fetchOne(
                db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [checkpoint.seq])
            if covered == checkpoint.hash { return checkpoint }
        }
        return nil
    }
}
