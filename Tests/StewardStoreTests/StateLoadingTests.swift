import Foundation
import StewardCore
import StewardStore
import Testing

/// Loading the state at start-up: checkpoints, their validation, and logs this version must refuse.
struct StateLoadingTests {
    static let t0 = Date(timeIntervalSince1970: 1_767_225_600)

    static func observation(_ index: Int) -> StewardEvent {
        .instanceObserved(InstanceObservation(
            instanceID: "web-\(index % 3)", change: index % 2 == 0 ? .ready : .unready, message: "m\(index)"))
    }

    static func append(_ events: [StewardEvent], to log: EventLog) throws -> [EventRecord] {
        try log.append(events.map { event in
            let encoded = try event.encoded()
            return NewEvent(type: encoded.type, subject: encoded.subject, actor: "steward", time: t0, payload: encoded.payload)
        })
    }

    static func fold(_ events: [StewardEvent]) -> StackState {
        var state = StackState()
        events.forEach { state.apply($0) }
        return state
    }

    /// An empty log loads to the empty state.
    @Test(arguments: Backend.allCases)
    func emptyLog(backend: Backend) throws {
        let loaded = try StoreFixture(backend).log.loadState()
        #expect(loaded.state == StackState())
        #expect(loaded.lastSeq == 0)
        #expect(loaded.lastHash == EventHash.genesis)
        #expect(loaded.checkpointSeq == nil)
    }

    /// With a checkpoint, loading folds only the events after it and gives the same state as a full fold.
    @Test(arguments: Backend.allCases)
    func loadsFromTheLatestCheckpoint(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let first = (0..<10).map(Self.observation)
        let stored = try Self.append(first, to: fixture.log)
        let last = try #require(stored.last)
        try fixture.log.appendCheckpoint(Self.fold(first), covering: last.seq, hash: last.hash, time: Self.t0)
        let tail = (10..<14).map(Self.observation)
        _ = try Self.append(tail, to: fixture.log)

        let loaded = try fixture.log.loadState()
        #expect(loaded.checkpointSeq == 10)
        #expect(loaded.foldedEvents == 5)  // the checkpoint event itself and the four after it
        #expect(loaded.lastSeq == 15)
        #expect(loaded.state == Self.fold(first + tail))
        #expect(try fixture.log.verify().isIntact)
    }

    /// A checkpoint that names a hash the chain does not have is not trusted: loading folds from the start.
    @Test(arguments: Backend.allCases)
    func checkpointNotMatchingTheChainIsIgnored(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let events = (0..<4).map(Self.observation)
        _ = try Self.append(events, to: fixture.log)
        var wrong = StackState()
        wrong.apply(.tokenCreated(name: "x", role: "admin"))
        wrong.stackDigest = "forged"
        try fixture.log.appendCheckpoint(wrong, covering: 4, hash: String(repeating: "f", count: 64), time: Self.t0)

        let loaded = try fixture.log.loadState()
        #expect(loaded.checkpointSeq == nil)
        #expect(loaded.state == Self.fold(events))
    }

    /// A fact written by a newer format stops loading with an error naming the event and the version.
    @Test(arguments: Backend.allCases)
    func newerFactIsRefused(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        _ = try Self.append([Self.observation(0)], to: fixture.log)
        let newer = (EventFormat.supportedVersions["deployment.created"] ?? 1) + 1
        try fixture.log.append([
            NewEvent(
                type: "deployment.created", subject: "deployment/1", actor: "steward", time: Self.t0,
                payload: Data(#"{"v":\#(newer),"deployment":1}"#.utf8))
        ])
        let error = try #require(throws: EventFormatError.self) { try fixture.log.loadState() }
        #expect(error.seq == 2)
        #expect(error.type == "deployment.created")
        #expect(error.neededVersion == newer)
    }

    /// Unknown informational events are skipped and reported; loading succeeds.
    @Test(arguments: Backend.allCases)
    func unknownObservationIsSkipped(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.log.append([
            NewEvent(
                type: "probe.latency", subject: "instance/a", actor: "steward", time: Self.t0,
                payload: Data(#"{"v":1,"informational":true,"p95Ms":12}"#.utf8))
        ])
        _ = try Self.append([Self.observation(1)], to: fixture.log)
        let loaded = try fixture.log.loadState()
        #expect(loaded.skipped.map(\.seq) == [1])
        #expect(loaded.state == Self.fold([Self.observation(1)]))
    }

    /// Checkpoints are in the hash chain: editing one is reported by the audit.
    @Test(arguments: Backend.allCases)
    func editedCheckpointIsDetected(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let stored = try Self.append([Self.observation(0)], to: fixture.log)
        try fixture.log.appendCheckpoint(Self.fold([Self.observation(0)]), covering: 1, hash: stored[0].hash, time: Self.t0)
        try fixture.dropTriggers()
        try fixture.attack("UPDATE events SET payload = CAST('{\"v\":1}' AS BLOB) WHERE seq = 2")
        let report = try fixture.log.verify()
        #expect(report.problems.map(\.seq) == [2])
        #expect(report.problems.first?.kind == .edited)
    }
}

extension StateLoadingTests {
    /// A checkpoint in a newer format is not used: loading folds from the start and reports it skipped.
    @Test(arguments: Backend.allCases)
    func newerCheckpointIsSkipped(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let events = (0..<3).map(Self.observation)
        _ = try Self.append(events, to: fixture.log)
        // One version past what this code writes, whatever that is now.
        let newer = (EventFormat.supportedVersions[EventFormat.checkpointType] ?? 1) + 1
        try fixture.log.append([
            NewEvent(
                type: EventFormat.checkpointType, subject: "checkpoint", actor: "steward", time: Self.t0,
                payload: Data(#"{"v":\#(newer),"informational":true,"covers":{"seq":3,"hash":"x"},"snapshot":"…"}"#.utf8))
        ])
        let loaded = try fixture.log.loadState()
        #expect(loaded.checkpointSeq == nil)
        #expect(loaded.skipped.map(\.seq) == [4])
        #expect(loaded.state == Self.fold(events))
    }
}
