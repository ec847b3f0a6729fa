import Foundation
import StewardBackup
import StewardCore
import StewardOps
import StewardRuntime
import StewardStore
import StewardTesting
import Testing

/// The scheduler of a real control plane over a real PostgreSQL, on a manual wall clock: what is
/// due runs once (backup, verification, retention), a downtime that missed fire times runs once
/// after a restart, and the scheduler sleeps until the next fire time between turns.
@Suite(.serialized) struct SchedulerTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func stack(port: Int) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://postgres@127.0.0.1:\(port)/shop
        services:
          api:
            command: /bin/true
        environments:
          production:
            backupRetention: {keepLast: 1}
        backups:
          - dependency: db
            schedule: "30 2 * * *"
            timeZone: America/New_York
            verify: true
            integrityQueries:
              - SELECT id FROM orders WHERE total < 0
        """
    }

    static func psql(_ port: Int, _ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qc", sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }

    /// The log's events, decoded (checkpoints and unknown informational events left out).
    static func events(_ log: EventLog) throws -> [StewardEvent] {
        try log.allEvents().compactMap { record in
            guard case .event(let event) = try StewardEvent.decode(
                seq: record.seq, type: record.type, subject: record.subject, payload: record.payload)
            else { return nil }
            return event
        }
    }

    static func fires(_ log: EventLog) throws -> [ScheduleEvent] {
        try events(log).compactMap { if case .schedule(let event) = $0, event.change == .fired { event } else { nil } }
    }

    static func backupEvents(_ log: EventLog, _ id: String) throws -> [BackupEvent] {
        try events(log).compactMap { if case .backup(let event) = $0, event.backup == id { event } else { nil } }
    }

    /// Runs a control plane over `log` on `clock` until `body` returns.
    /// - Parameters:
    ///   - backups: its backup directory; `baseDirectory` (where relative paths of the stack start) too unless given.
    ///   - secrets: where `${secret:NAME}` values come from (none by default).
    static func running<T: Sendable>(
        _ log: EventLog, clock: ManualScheduleClock, backups: String, baseDirectory: String? = nil, stack: String?,
        secrets: SecretSource? = nil, _ body: @Sendable (ControlPlane) async throws -> T
    ) async throws -> T {
        let controlPlane = try ControlPlane(
            log: log, agent: AgentClient(baseURL: "http://127.0.0.1:9", token: "unused"), secrets: secrets,
            baseDirectory: baseDirectory ?? backups, backupDirectory: backups, scheduleClock: clock)
        if let stack {
            guard case .success(let spec) = StackFile.parse(stack, file: "steward.yaml") else {
                throw CocoaError(.fileReadCorruptFile)
            }
            try await controlPlane.apply(stack: spec, digest: "d1", file: "steward.yaml", actor: "root")
        }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await controlPlane.run()
                return nil
            }
            defer { controlPlane.shutdown() }
            let result = try await body(controlPlane)
            group.cancelAll()
            return result
        }
    }

    /// Armed on 2026-03-07, the daily 02:30 New York backup first fires at the end of the
    /// spring-forward gap (03:00 EDT = 07:00Z): once, backed up, verified; then the scheduler
    /// sleeps until 02:30 EDT the next day. Killed and opened again four days later, it runs once
    /// for the latest missed fire time (three earlier ones reported missed), retention removes the
    /// first backup, and it sleeps until the next fire time: no burst.
    @Test func dueScheduleRunsOnceAndMissedRunsRunOnceAfterRestart() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        try Self.psql(postgres.port, "postgres", "CREATE DATABASE shop")
        try Self.psql(
            postgres.port, "shop",
            "CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL); INSERT INTO orders (total) SELECT n FROM generate_series(1, 300) n")
        let directory = try TemporaryDirectory(prefix: "scheduler")
        defer { directory.remove() }
        let backups = directory.path + "/backups"
        let logPath = directory.path + "/steward.db"
        let clock = ManualScheduleClock(Self.at("2026-03-07T12:00:00Z"))

        let firstBackup = try await Self.running(
            try EventLog.open(path: logPath), clock: clock, backups: backups, stack: Self.stack(port: postgres.port)
        ) { controlPlane in
            let log = controlPlane.log
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until the gap's end") {
                clock.sleepers.contains(Self.at("2026-03-08T07:00:00Z"))
            }
            #expect(try Self.fires(log).isEmpty)
            let view = try #require(await controlPlane.schedules().first)
            #expect(view.id == "backup:db:production" && view.nextFireAt == Self.at("2026-03-08T07:00:00Z") && view.lastRun == nil)

            clock.advance(to: Self.at("2026-03-08T07:00:00Z"))
            try await eventually(timeout: .seconds(120), "the scheduled backup to be verified") {
                guard let backup = try Self.fires(log).first?.backup else { return false }
                return try Self.backupEvents(log, backup).contains { $0.change == .verified }
            }
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until the next day") {
                clock.sleepers.contains(Self.at("2026-03-09T06:30:00Z"))
            }
            let fires = try Self.fires(log)
            #expect(fires.count == 1)
            let fire = try #require(fires.first)
            #expect(fire.scheduledFor == Self.at("2026-03-08T07:00:00Z") && fire.missed == 0 && fire.error == nil)
            let backup = try #require(fire.backup)
            let changes = try Self.backupEvents(log, backup).map(\.change)
            #expect(changes == [.started, .created, .verifyStarted, .verified], "\(changes)")
            #expect(try Self.backupEvents(log, backup).last?.passed == true)
            return backup
        }

        // Down from 2026-03-08 until 2026-03-12T15:00Z: 02:30 EDT (06:30Z) of the 9th, 10th, 11th and 12th passed.
        clock.advance(to: Self.at("2026-03-12T15:00:00Z"))
        try await Self.running(
            try EventLog.open(path: logPath), clock: clock, backups: backups, stack: Self.stack(port: postgres.port)
        ) { controlPlane in
            let log = controlPlane.log
            try await eventually(timeout: .seconds(120), "the missed run to be taken, verified and pruned") {
                let fires = try Self.fires(log)
                guard fires.count == 2, let backup = fires.last?.backup else { return false }
                let verified = try Self.backupEvents(log, backup).contains { $0.change == .verified }
                let pruned = try Self.backupEvents(log, firstBackup).contains { $0.change == .pruned }
                return verified && pruned
            }
            try await eventually(timeout: .seconds(20), "the scheduler to sleep until the next fire time") {
                clock.sleepers.contains(Self.at("2026-03-13T06:30:00Z"))
            }
            let fires = try Self.fires(log)
            #expect(fires.count == 2)
            let late = try #require(fires.last)
            #expect(late.scheduledFor == Self.at("2026-03-12T06:30:00Z"))
            #expect(late.firedAt == Self.at("2026-03-12T15:00:00Z"))
            #expect(late.missed == 3)
            let view = try #require(await controlPlane.schedules().first)
            #expect(view.lastRun?.backup == late.backup && view.nextFireAt == Self.at("2026-03-13T06:30:00Z"))
        }
    }
}
