import Foundation
import StewardStore
import Testing

/// The verifier alone, over records built in memory: no database involved.
struct AuditVerifierTests {
    /// A valid chain of `count` events, seq 1...count, and its head.
    private func chain(_ count: Int) -> ([EventRecord], LogHead) {
        var records: [EventRecord] = []
        var previous = EventHash.genesis
        for index in 1...count {
            let record = EventRecord(
                sealing: TestEvents.make(index, type: "step.\(index)"), seq: Int64(index), previousHash: previous
            )
            records.append(record)
            previous = record.hash
        }
        return (records, LogHead(lastSeq: Int64(count), lastHash: previous))
    }

    /// A valid chain, given in any order, is intact.
    @Test func validChainIsIntact() {
        let (records, head) = chain(6)
        #expect(AuditVerifier.verify(records.reversed(), head: head) == AuditReport(checked: 6, problems: []))
    }

    /// No events and an empty head is an intact, empty log.
    @Test func emptyLogIsIntact() {
        #expect(AuditVerifier.verify([], head: .empty) == AuditReport(checked: 0, problems: []))
    }

    /// Every event gone while the head says five is reported as events 1–5 deleted.
    @Test func everythingDeletedIsReported() {
        let (_, head) = chain(5)
        let report = AuditVerifier.verify([], head: head)
        #expect(
            report.problems == [
                AuditProblem(
                    seq: 1, kind: .deleted,
                    message: "events 1–5 are missing from the end of the log: they were deleted"
                )
            ]
        )
    }

    /// A run of missing events in the middle is reported once, naming the range.
    @Test func deletedRangeIsNamed() {
        var (records, head) = chain(6)
        records.removeSubrange(2...3)
        let report = AuditVerifier.verify(records, head: head)
        #expect(
            report.problems == [
                AuditProblem(seq: 3, kind: .deleted, message: "events 3–4 are missing: they were deleted")
            ]
        )
        #expect(report.checked == 4)
    }

    /// A missing first event is reported as deleted, not as a broken link of the second.
    @Test func deletedFirstEventIsReported() {
        var (records, head) = chain(3)
        records.removeFirst()
        #expect(AuditVerifier.verify(records, head: head).problems.map(\.kind) == [.deleted])
        #expect(AuditVerifier.verify(records, head: head).problems.map(\.seq) == [1])
    }

    /// A missing head record is a head mismatch about the whole log.
    @Test func missingHeadIsReported() {
        let (records, _) = chain(2)
        let report = AuditVerifier.verify(records, head: nil)
        #expect(report.problems.map(\.kind) == [.headMismatch])
        #expect(report.problems.map(\.seq) == [0])
    }

    /// A forged first event that does not start from the genesis hash is a broken link.
    @Test func forgedFirstEventIsABrokenLink() {
        var (records, head) = chain(1)
        records[0] = EventRecord(
            sealing: TestEvents.make(1, type: "step.1"), seq: 1, previousHash: String(repeating: "e", count: 64)
        )
        head.lastHash = records[0].hash
        let report = AuditVerifier.verify(records, head: head)
        #expect(report.problems.map(\.kind) == [.brokenLink])
        #expect(
            report.problems.first?.message == "event 1 (step.1) does not start from the genesis hash: it was replaced"
        )
    }

    /// An event inserted before the first one, with later events renumbered, is reported as inserted at 1.
    @Test func forgedEventBeforeTheFirstIsInserted() {
        let (original, head) = chain(3)
        let forged = EventRecord(sealing: TestEvents.make(9, type: "forged"), seq: 1, previousHash: EventHash.genesis)
        var records = [forged]
        for var record in original {
            record.seq += 1
            records.append(record)
        }
        let report = AuditVerifier.verify(records, head: head)
        #expect(report.problems.map(\.kind) == [.inserted])
        #expect(
            report.problems.first?.message
                == "event 1 (forged) was inserted: event 2 links past it to the start of the log"
        )
    }

    /// A forged event with a hash of its own but an unrelated previous hash, slipped in with later events
    /// renumbered, is reported once, as inserted.
    @Test func unlinkedForgedEventIsReportedOnce() {
        let (original, head) = chain(4)
        let forged = EventRecord(
            sealing: TestEvents.make(9, type: "forged"), seq: 3, previousHash: String(repeating: "f", count: 64)
        )
        var records = Array(original[0...1]) + [forged]
        for var record in original[2...] {
            record.seq += 1
            records.append(record)
        }
        let report = AuditVerifier.verify(records, head: head)
        #expect(report.problems.map(\.kind) == [.inserted])
        #expect(report.problems.map(\.seq) == [3])
    }

    /// Two rows with the same seq are reported as an inserted copy.
    @Test func duplicateSeqIsInserted() {
        let (records, head) = chain(3)
        let report = AuditVerifier.verify(records + [records[1]], head: head)
        #expect(report.problems.map(\.kind) == [.inserted])
        #expect(report.problems.map(\.seq) == [2])
    }

    /// Changing the last event's hash is an edit, and the head no longer matches it.
    @Test func changedLastHashIsAnEditAndAHeadMismatch() {
        var (records, head) = chain(3)
        records[2].hash = String(repeating: "a", count: 64)
        let report = AuditVerifier.verify(records, head: head)
        #expect(report.problems.map(\.kind) == [.edited, .headMismatch])
        #expect(report.problems.map(\.seq) == [3, 3])
    }

    /// Editing an event's content and recomputing its hash is caught at the next event's link.
    @Test func rehashedEditIsABrokenLink() {
        var (records, head) = chain(4)
        records[1].payload = Data(#"{"index":22}"#.utf8)
        records[1].hash = EventHash.hash(of: records[1])
        let report = AuditVerifier.verify(records, head: head)
        #expect(report.problems.map(\.kind) == [.brokenLink])
        #expect(report.problems.map(\.seq) == [3])
    }

    /// Editing the last event's time is an edit; its hash still matches the head.
    @Test func editedTimeIsAnEdit() {
        var (records, head) = chain(3)
        records[2].time = records[2].time.addingTimeInterval(0.001)
        let report = AuditVerifier.verify(records, head: head)
        #expect(
            report.problems == [
                AuditProblem(
                    seq: 3, kind: .edited,
                    message: "event 3 (step.3) was edited: its content no longer matches its hash"
                )
            ]
        )
    }
}
