import Foundation
import StewardBackup
import StewardCore
import StewardOps
import StewardRuntime
import StewardStore
import StewardTesting
import Testing

/// A mirror with a `schedule:` runs through the scheduler of a real control plane, against a real
/// S3-protocol server (moto) and a real folder, on a manual wall clock: a due fire syncs once; a
/// downtime that missed fire times syncs once after the restart, never a burst.
@Suite(.serialized) struct MirrorSchedulerTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func stack(moto: MotoServer, target: String) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          docs:
            type: s3
            url: "http://\(moto.accessKeyID):${secret:S3_SECRET}@127.0.0.1:\(moto.port)/shop-documents?region=us-east-1"
        services:
          api:
            command: /bin/true
        environments:
          production: {}
          staging: {}
        mirrors:
          - name: documents
            source: s3://shop-documents
            target: \(target)
            schedule: "0 * * * *"
        """
    }

    static func mirrorEvents(_ log: EventLog) throws -> [MirrorEvent] {
        try SchedulerTests.events(log).compactMap { if case .mirror(let event) = $0 { event } else { nil } }
    }

    /// Runs a control plane over `log` on `clock` until `body` returns, with `secret` as `S3_SECRET`.
    static func running<T: Sendable>(
        _ log: EventLog, clock: ManualScheduleClock, directory: String, stack: String, secret: String,
        _ body: @Sendable (ControlPlane) async throws -> T
    ) async throws -> T {
        try await SchedulerTests.running(
            log, clock: clock, backups: directory + "/backups", baseDirectory: directory, stack: stack,
            secrets: SecretSource(lookup: { $0 == "S3_SECRET" ? secret : nil }), body)
    }

    /// Armed at 10:30Z, the hourly mirror (one schedule, though the stack has two environments)
    /// syncs at 11:00Z: every object in the folder, then sleeps until 12:00Z. Down until 15:20Z
    /// with an object deleted at the source meanwhile, it syncs once after the restart, for 15:00Z
    /// (three earlier fire times missed), deleting that copy, and sleeps until 16:00Z.
    @Test func dueMirrorSyncsOnceAndMissedFiresSyncOnceAfterRestart() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        let directory = try TemporaryDirectory(prefix: "mirror-scheduler")
        defer { directory.remove() }
        let client = S3Client(
            connection: try S3Connection(
                endpoint: moto.endpoint,
                credentials: S3Credentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey)))
        try await client.createBucket("shop-documents")
        for (key, text) in [("a.pdf", "first"), ("contracts/b.pdf", "second document"), ("c.txt", "third")] {
            try await client.putData(bucket: "shop-documents", key: key, Data(text.utf8), contentType: "application/octet-stream")
        }
        let target = directory.path + "/mirror"
        let stack = Self.stack(moto: moto, target: target)
        let logPath = directory.path + "/steward.db"
        let clock = ManualScheduleClock(Self.at("2026-11-26T10:30:00Z"))

        try await Self.running(
            try EventLog.open(path: logPath), clock: clock, directory: directory.path, stack: stack,
            secret: moto.secretAccessKey
        ) { controlPlane in
            let log = controlPlane.log
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until 11:00Z") {
                clock.sleepers.contains(Self.at("2026-11-26T11:00:00Z"))
            }
            #expect(try SchedulerTests.fires(log).isEmpty)
            #expect(await controlPlane.mirrors().first?.nextSyncAt == Self.at("2026-11-26T11:00:00Z"))

            clock.advance(to: Self.at("2026-11-26T11:00:00Z"))
            try await eventually(timeout: .seconds(60), "the scheduled sync to finish") {
                try Self.mirrorEvents(log).contains { $0.change != .started }
            }
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until 12:00Z") {
                clock.sleepers.contains(Self.at("2026-11-26T12:00:00Z"))
            }
            let fires = try SchedulerTests.fires(log)
            #expect(fires.count == 1)
            #expect(fires.first?.schedule == "mirror:documents" && fires.first?.missed == 0 && fires.first?.error == nil)
            let events = try Self.mirrorEvents(log)
            #expect(events.map(\.change) == [.started, .synced], "\(events)")
            #expect(events.last?.copied == 3 && events.last?.deleted == 0)
            #expect(fires.first?.run == events.first?.run)
            #expect(try String(contentsOfFile: target + "/contracts/b.pdf", encoding: .utf8) == "second document")
            #expect(FileManager.default.fileExists(atPath: target + "/" + MirrorManifest.fileName))
            let view = try #require(await controlPlane.schedules().first { $0.kind == "mirror" })
            #expect(view.mirror == "documents" && view.environment == nil && view.lastRun?.run == events.first?.run)
        }

        try await client.deleteObject(bucket: "shop-documents", key: "a.pdf")
        clock.advance(to: Self.at("2026-11-26T15:20:00Z"))
        try await Self.running(
            try EventLog.open(path: logPath), clock: clock, directory: directory.path, stack: stack,
            secret: moto.secretAccessKey
        ) { controlPlane in
            let log = controlPlane.log
            try await eventually(timeout: .seconds(60), "the missed sync to finish") {
                try Self.mirrorEvents(log).filter { $0.change == .synced }.count == 2
            }
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until 16:00Z") {
                clock.sleepers.contains(Self.at("2026-11-26T16:00:00Z"))
            }
            let fires = try SchedulerTests.fires(log)
            #expect(fires.count == 2)
            let late = try #require(fires.last)
            #expect(late.scheduledFor == Self.at("2026-11-26T15:00:00Z") && late.firedAt == Self.at("2026-11-26T15:20:00Z"))
            #expect(late.missed == 3)
            let events = try Self.mirrorEvents(log)
            #expect(events.map(\.change) == [.started, .synced, .started, .synced], "\(events)")
            #expect(events.last?.deleted == 1 && events.last?.copied == 0 && events.last?.skipped == 2)
            #expect(!FileManager.default.fileExists(atPath: target + "/a.pdf"))
            // The secret key is in no event.
            let everything = try log.allEvents().map { String(decoding: $0.payload, as: UTF8.self) }.joined()
            #expect(!everything.contains(moto.secretAccessKey))
        }
    }
}
