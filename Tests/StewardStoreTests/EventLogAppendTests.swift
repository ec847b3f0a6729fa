import Foundation
import GRDB
import StewardStore
import Testing

struct EventLogAppendTests {
    /// Appends get consecutive seqs from 1, each linked to the one before from the genesis hash, and read back equal.
    @Test(arguments: Backend.allCases)
    func appendAssignsConsecutiveSeqsAndAValidChain(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let first = try fixture.log.append(TestEvents.batch(1...3))
        let second = try fixture.log.append(TestEvents.batch(4...5))
        let all = first + second

        #expect(all.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(all[0].previousHash == EventHash.genesis)
        for (earlier, later) in zip(all, all.dropFirst()) {
            #expect(later.previousHash == earlier.hash)
        }
        for record in all {
            #expect(record.hash == EventHash.hash(of: record))
        }
        #expect(try fixture.log.allEvents() == all)
        #expect(try fixture.log.lastSequence() == 5)
        let report = try fixture.log.verify()
        #expect(report == AuditReport(checked: 5, problems: []))
    }

    /// An empty log has last sequence 0 and verifies intact; appending nothing writes nothing.
    @Test(arguments: Backend.allCases)
    func emptyLogAndEmptyAppend(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        #expect(try fixture.log.append([]) == [])
        #expect(try fixture.log.lastSequence() == 0)
        #expect(try fixture.log.allEvents() == [])
        #expect(try fixture.log.verify().isIntact)
    }

    /// A batch whose third event the schema refuses writes nothing at all, and the chain continues from before it.
    @Test(arguments: Backend.allCases)
    func aBatchIsAtomic(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let before = try fixture.log.append(TestEvents.batch(1...2))
        var bad = TestEvents.batch(3...5)
        bad[2].type = "deployment.started\nforged.line"

        let error = #expect(throws: StoreError.self) {
            try fixture.log.append(bad)
        }
        #expect(error?.code == .invalidValue)
        #expect(try fixture.log.allEvents() == before)
        #expect(try fixture.log.lastSequence() == 2)

        let after = try fixture.log.append(TestEvents.batch(3...3))
        #expect(after.map(\.seq) == [3])
        #expect(after[0].previousHash == before[1].hash)
        #expect(try fixture.log.verify().isIntact)
    }

    /// Empty types and actors, and line breaks in subjects, are refused by the schema.
    @Test(arguments: Backend.allCases)
    func invalidFieldsAreRefused(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        var emptyType = TestEvents.make(1)
        emptyType.type = ""
        var emptyActor = TestEvents.make(1)
        emptyActor.actor = ""
        var twoLineSubject = TestEvents.make(1)
        twoLineSubject.subject = "deployment/1\r\nx"
        for event in [emptyType, emptyActor, twoLineSubject] {
            let error = #expect(throws: StoreError.self) {
                try fixture.log.append([event])
            }
            #expect(error?.code == .invalidValue)
        }
        #expect(try fixture.log.lastSequence() == 0)
    }

    /// A time with sub-millisecond digits is stored rounded, and the returned record equals the fetched one.
    @Test(arguments: Backend.allCases)
    func timesAreKeptToTheMillisecond(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        var event = TestEvents.make(1)
        event.time = Date(timeIntervalSince1970: 1_700_000_000.123_456_7)
        let stored = try fixture.log.append([event])
        #expect(EventHash.milliseconds(of: stored[0].time) == 1_700_000_000_123)
        #expect(try fixture.log.allEvents() == stored)
        #expect(try fixture.log.verify().isIntact)
    }

    /// Closing and reopening a file keeps every event, and new appends continue the same chain.
    @Test func reopeningAFileContinuesTheChain() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("steward-store-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/steward.sqlite").path

        // The first log is released (and its pool closed) at the end of this scope.
        let first = try {
            let log = try EventLog.open(path: path)
            return try log.append(TestEvents.batch(1...3))
        }()

        let reopened = try EventLog.open(path: path)
        #expect(try reopened.allEvents() == first)
        #expect(try reopened.lastSequence() == 3)
        let more = try reopened.append(TestEvents.batch(4...4))
        #expect(more[0].seq == 4)
        #expect(more[0].previousHash == first[2].hash)
        #expect(try reopened.verify() == AuditReport(checked: 4, problems: []))
        #expect(try reopened.appliedMigrations() == EventLog.knownMigrations)
        #expect(EventLog.knownMigrations == ["v1-events", "v1-tokens", "v1-settings", "v2-users", "v3-secrets"])
    }

    /// Many tasks appending at once produce one gap-free, valid chain in which each batch stays contiguous.
    @Test(arguments: Backend.allCases)
    func concurrentAppendsMakeOneGapFreeChain(backend: Backend) async throws {
        let fixture = try StoreFixture(backend)
        let log = fixture.log
        let tasks = 16
        let batchesPerTask = 5
        let batchSize = 3
        let batches = try await withThrowingTaskGroup(of: [[EventRecord]].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var stored: [[EventRecord]] = []
                    for batch in 0..<batchesPerTask {
                        let first = (task * batchesPerTask + batch) * batchSize
                        stored.append(try log.append(TestEvents.batch(first...(first + batchSize - 1))))
                    }
                    return stored
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        let total = tasks * batchesPerTask * batchSize
        for batch in batches {
            #expect(batch.map(\.seq) == Array(batch[0].seq..<(batch[0].seq + Int64(batchSize))))
        }
        let all = try log.allEvents()
        #expect(all.map(\.seq) == Array(1...Int64(total)))
        #expect(Set(batches.joined().map(\.hash)) == Set(all.map(\.hash)))
        #expect(try log.verify() == AuditReport(checked: total, problems: []))
    }
}
