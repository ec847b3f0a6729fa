import Foundation
import StewardCore
import StewardStore
import Testing

/// The golden log: every later version of Steward must read it, verify it and fold it to the same state.
struct GoldenLogTests {
    /// Regenerates the golden files from ``GoldenScenario`` (only with `STEWARD_WRITE_GOLDEN=1`; never in CI).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["STEWARD_WRITE_GOLDEN"] == "1"))
    func writeGoldenLog() throws {
        let scenario = try GoldenScenario.build()
        let log = try EventLog.inMemory()
        var state = StackState()
        for (index, entry) in scenario.events.enumerated() {
            let encoded = try entry.event.encoded()
            let record = try log.append([
                NewEvent(type: encoded.type, subject: encoded.subject, actor: entry.actor, time: entry.time, payload: encoded.payload)
            ])[0]
            state.apply(entry.event)
            if index + 1 == scenario.checkpointAfter {
                try log.appendCheckpoint(state, covering: record.seq, hash: record.hash, time: entry.time)
            }
        }
        try GoldenLog.write(try log.allEvents())
        try GoldenLog.summary(of: scenario.state).write(to: GoldenLog.stateURL, atomically: true, encoding: .utf8)
    }

    /// The golden log's hash chain is intact.
    @Test func goldenLogVerifies() throws {
        let records = try GoldenLog.read()
        #expect(records.count > 40)
        let last = try #require(records.last)
        let report = AuditVerifier.verify(records, head: LogHead(lastSeq: last.seq, lastHash: last.hash))
        #expect(report.problems == [])
        #expect(report.checked == records.count)
    }

    /// Folding the golden log from the first event gives the committed state, with nothing skipped.
    @Test func goldenLogFoldsToTheCommittedState() throws {
        var fold = StateFold()
        for record in try GoldenLog.read() {
            try fold.fold(seq: record.seq, type: record.type, subject: record.subject, payload: record.payload)
        }
        #expect(fold.skipped == [])
        let expected = try String(contentsOf: GoldenLog.stateURL, encoding: .utf8)
        #expect(try GoldenLog.summary(of: fold.state) == expected)
    }

    /// The golden checkpoint holds exactly the fold of the events it covers.
    @Test func goldenCheckpointMatchesTheFoldItCovers() throws {
        let records = try GoldenLog.read()
        let stored = try #require(records.first { $0.type == EventFormat.checkpointType })
        guard case .event(.checkpoint(let checkpoint)) = try StewardEvent.decode(
            seq: stored.seq, type: stored.type, subject: stored.subject, payload: stored.payload)
        else {
            Issue.record("the golden checkpoint does not decode to a checkpoint")
            return
        }
        #expect(records.first { $0.seq == checkpoint.seq }?.hash == checkpoint.hash)
        var fold = StateFold()
        for record in records where record.seq <= checkpoint.seq {
            try fold.fold(seq: record.seq, type: record.type, subject: record.subject, payload: record.payload)
        }
        #expect(fold.state == checkpoint.state)
    }

    /// Appended to a store, the golden events get the golden hashes, verify, and load (from the
    /// checkpoint) to the committed state.
    @Test(arguments: Backend.allCases)
    func goldenLogLoadsFromAStore(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let records = try GoldenLog.read()
        let stored = try fixture.log.append(GoldenLog.newEvents(records))
        #expect(stored.map(\.hash) == records.map(\.hash))
        #expect(try fixture.log.verify().isIntact)
        let loaded = try fixture.log.loadState()
        #expect(loaded.checkpointSeq != nil)
        #expect(loaded.lastSeq == records.last?.seq)
        #expect(loaded.foldedEvents < records.count)
        let expected = try String(contentsOf: GoldenLog.stateURL, encoding: .utf8)
        #expect(try GoldenLog.summary(of: loaded.state) == expected)
    }
}
