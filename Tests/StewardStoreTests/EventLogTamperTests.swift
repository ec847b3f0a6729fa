import Foundation
import GRDB
import StewardStore
import Testing

/// An attacker with the database file changes it behind Steward's back; `verify()` must say what and where.
struct EventLogTamperTests {
    /// A log of five events, seq 1...5, with types that name their seq.
    private func fiveEvents(_ backend: Backend) throws -> (StoreFixture, [EventRecord]) {
        let fixture = try StoreFixture(backend)
        let records = try fixture.log.append((1...5).map { TestEvents.make($0, type: "step.\($0)") })
        return (fixture, records)
    }

    /// Inserts a forged row with a correctly computed hash of its own.
    private func forge(
        _ fixture: StoreFixture,
        seq: Int64,
        previousHash: String,
        type: String = "approval.granted"
    ) throws -> EventRecord {
        let event = NewEvent(
            type: type, subject: "deployment/99", actor: "mallory", time: TestEvents.start,
            payload: Data(#"{"approved":true}"#.utf8)
        )
        let forged = EventRecord(sealing: event, seq: seq, previousHash: previousHash)
        try fixture.attack(
            """
            INSERT INTO events (seq, time_ms, type, subject, actor, payload, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                forged.seq, EventHash.milliseconds(of: forged.time), forged.type, forged.subject, forged.actor,
                forged.payload, forged.previousHash, forged.hash,
            ]
        )
        return forged
    }

    /// An untouched log verifies intact.
    @Test(arguments: Backend.allCases)
    func untouchedLogIsIntact(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        let report = try fixture.log.verify()
        #expect(report.isIntact)
        #expect(report.checked == 5)
        #expect(report.problems.isEmpty)
    }

    /// With its triggers in place, the schema refuses UPDATE and DELETE on events, and inserts off the head.
    @Test(arguments: Backend.allCases)
    func triggersRefuseChangesAndMisplacedInserts(backend: Backend) throws {
        let (fixture, records) = try fiveEvents(backend)
        let refusals = [
            "UPDATE events SET payload = x'7b7d' WHERE seq = 3",
            "DELETE FROM events WHERE seq = 5",
            "DELETE FROM events",
            "DELETE FROM log_head",
            "UPDATE log_head SET last_seq = 4",
        ]
        for sql in refusals {
            #expect(throws: DatabaseError.self, "\(sql)") {
                try fixture.attack(sql)
            }
        }
        let error = #expect(throws: DatabaseError.self) {
            try fixture.attack("UPDATE events SET type = 'x' WHERE seq = 1")
        }
        #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(error?.message == "the event log is append-only")
        // A row that does not extend the head, even with a valid hash of its own, is refused too.
        #expect(throws: DatabaseError.self) {
            _ = try forge(fixture, seq: 7, previousHash: records[4].hash)
        }
        #expect(throws: DatabaseError.self) {
            _ = try forge(fixture, seq: 6, previousHash: records[3].hash)
        }
        #expect(try fixture.log.allEvents() == records)
        #expect(try fixture.log.verify().isIntact)
    }

    /// Editing a payload is reported as an edit of that event only.
    @Test(arguments: Backend.allCases)
    func editedPayloadIsReported(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("UPDATE events SET payload = ? WHERE seq = 3", arguments: [Data(#"{"index":33}"#.utf8)])

        let report = try fixture.log.verify()
        #expect(report.isIntact == false)
        #expect(report.problems.map(\.kind) == [.edited])
        #expect(report.problems.map(\.seq) == [3])
        #expect(
            report.problems.first?.message == "event 3 (step.3) was edited: its content no longer matches its hash"
        )
    }

    /// Deleting an event in the middle is reported as that seq missing.
    @Test(arguments: Backend.allCases)
    func deletedMiddleEventIsReported(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("DELETE FROM events WHERE seq = 3")

        let report = try fixture.log.verify()
        let expected = AuditProblem(seq: 3, kind: .deleted, message: "event 3 is missing: it was deleted")
        #expect(report.problems == [expected])
        #expect(report.checked == 4)
    }

    /// Deleting the last event is noticed against the recorded head.
    @Test(arguments: Backend.allCases)
    func deletedLastEventIsReported(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("DELETE FROM events WHERE seq = 5")

        let report = try fixture.log.verify()
        #expect(report.problems.map(\.kind) == [.deleted])
        #expect(report.problems.map(\.seq) == [5])
        #expect(report.problems.first?.message == "event 5 is missing from the end of the log: it was deleted")
    }

    /// A forged event slipped in between 2 and 3 (later events renumbered to make room) is reported as inserted at 3.
    @Test(arguments: Backend.allCases)
    func forgedEventInsertedBetweenIsReported(backend: Backend) throws {
        let (fixture, records) = try fiveEvents(backend)
        try fixture.dropTriggers()
        // Two steps, so no intermediate seq collides with the primary key.
        try fixture.attack("UPDATE events SET seq = seq + 100 WHERE seq >= 3")
        try fixture.attack("UPDATE events SET seq = seq - 99 WHERE seq >= 100")
        _ = try forge(fixture, seq: 3, previousHash: records[1].hash)

        let report = try fixture.log.verify()
        #expect(report.checked == 6)
        #expect(report.problems.map(\.kind) == [.inserted])
        #expect(report.problems.map(\.seq) == [3])
        #expect(
            report.problems.first?.message
                == "event 3 (approval.granted) was inserted: event 4 links past it to event 2"
        )
    }

    /// A forged event appended after the recorded head, linked correctly, is still reported as inserted.
    @Test(arguments: Backend.allCases)
    func forgedEventAfterTheHeadIsReported(backend: Backend) throws {
        let (fixture, records) = try fiveEvents(backend)
        try fixture.dropTriggers()
        _ = try forge(fixture, seq: 6, previousHash: records[4].hash)

        let report = try fixture.log.verify()
        #expect(report.problems.map(\.kind) == [.inserted])
        #expect(report.problems.map(\.seq) == [6])
    }

    /// Replacing an event with a forged one that has a valid hash of its own breaks the next event's link.
    @Test(arguments: Backend.allCases)
    func replacedEventBreaksTheNextLink(backend: Backend) throws {
        let (fixture, records) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("DELETE FROM events WHERE seq = 3")
        _ = try forge(fixture, seq: 3, previousHash: records[1].hash)

        let report = try fixture.log.verify()
        #expect(report.problems.map(\.kind) == [.brokenLink])
        #expect(report.problems.map(\.seq) == [4])
        #expect(
            report.problems.first?.message
                == "event 4 (step.4) does not link to event 3 (approval.granted): one of them was replaced"
        )
    }

    /// Changing an event's stored hash is reported once, as an edit of that event.
    @Test(arguments: Backend.allCases)
    func changedHashIsReported(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("UPDATE events SET hash = ? WHERE seq = 3", arguments: [String(repeating: "ab", count: 32)])

        let report = try fixture.log.verify()
        #expect(report.problems.map(\.kind) == [.edited])
        #expect(report.problems.map(\.seq) == [3])
    }

    /// Changing the recorded head's hash is reported as a head mismatch at the last event.
    @Test(arguments: Backend.allCases)
    func changedHeadIsReported(backend: Backend) throws {
        let (fixture, _) = try fiveEvents(backend)
        try fixture.dropTriggers()
        try fixture.attack("UPDATE log_head SET last_hash = ?", arguments: [String(repeating: "cd", count: 32)])

        let report = try fixture.log.verify()
        #expect(report.problems.map(\.kind) == [.headMismatch])
        #expect(report.problems.map(\.seq) == [5])
    }
}
