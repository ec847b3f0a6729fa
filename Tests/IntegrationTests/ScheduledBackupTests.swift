import Foundation
import StewardCore
import StewardStore
import StewardTesting
import Testing

/// The missed-run policy across a real SIGKILL and restart of `steward serve`.
@Suite(.serialized) struct ScheduledBackupTests {
    /// The log says (seeded while the control plane is down, exactly as the scheduler writes it) that
    /// the daily backup schedule was armed four days ago and last ran three days ago. After the
    /// restart the scheduler runs it once, for the latest fire time, reporting the two between as
    /// missed; the backup is taken and verified, and no second run follows: never a burst.
    @Test func missedRunsRunOnceAfterSigkillAndRestart() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        _ = try await RunbookFixture.psql(postgres, "CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL)")
        _ = try await RunbookFixture.psql(postgres, "INSERT INTO orders (total) SELECT n FROM generate_series(1, 200) n")
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }

        // A daily fire time about twelve hours away from now (UTC), so no real one passes during the test.
        let now = Date()
        let hour = (Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now).hour! + 12) % 24
        let cron = "15 \(hour) * * *"
        let expression = try CronExpression(parsing: cron)
        let utc = TimeZone(identifier: "UTC")!
        let latest = try #require(expression.nextFire(after: now.addingTimeInterval(-86_400), in: utc))
        #expect(latest <= now)
        let seededFire = latest.addingTimeInterval(-3 * 86_400)
        let stack = """
            version: 1
            stack: shop
            dependencies:
              db:
                type: postgres
                url: \(postgres.url)
            services:
              api:
                command: /bin/true
            environments:
              production: {}
            backups:
              - dependency: db
                schedule: "\(cron)"
                verify: true
            """

        cluster.killServer()
        do {
            // The log is closed again (the queue released) before the control plane opens it.
            let log = try EventLog.open(path: cluster.dataDirectory + "/steward.db")
            var armed = ScheduleEvent(.armed, schedule: "backup:db:production")
            armed.cron = cron
            armed.timeZone = "UTC"
            armed.at = seededFire.addingTimeInterval(-86_400)
            let fired = ScheduleEvent.fired("backup:db:production", .init(scheduledFor: seededFire, firedAt: seededFire))
            _ = try log.append(
                try [StewardEvent.schedule(armed), .schedule(fired)].map { event in
                    let encoded = try event.encoded()
                    return NewEvent(
                        type: encoded.type, subject: encoded.subject, actor: "steward", time: Date(), payload: encoded.payload)
                })
        }
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)
        try await cluster.startServer()

        try await eventually(timeout: .seconds(60), "the missed run to start") {
            try await cluster.loggedEvents("schedule.fired").count >= 2
        }
        let fires = try await cluster.loggedEvents("schedule.fired")
        let late = try #require(fires.last)
        #expect(late.payload.scheduledFor == StewardDate.format(latest), "\(late.payload)")
        #expect(late.payload.missed == 2)
        #expect(late.payload.error == nil, "\(late.payload.error ?? "")\n\(cluster.logs())")
        #expect(late.actor == "steward")
        let backup = try #require(late.payload.backup)
        try await eventually(timeout: .seconds(120), "the scheduled backup to be verified") {
            try await cluster.loggedEvents("backup.verified").contains { $0.payload.backup == backup }
        }
        #expect(try await cluster.loggedEvents("backup.verified").first { $0.payload.backup == backup }?.payload.passed == true)
        // The verification is the last thing the run does before retention: had the policy been a
        // burst, the other missed fires would have been recorded in the same turn, before it.
        #expect(try await cluster.loggedEvents("schedule.fired").count == 2)

        let admin = cluster.adminToken
        let listed = try await RunbookFixture.steward(["backup", "schedules", "--output", "json"], token: admin, on: cluster)
        #expect(listed.status == 0, "\(listed.standardError)")
        struct View: Decodable {
            struct Run: Decodable {
                var backup: String?
                var missed: Int
            }
            var id: String
            var cron: String
            var nextFireAt: String?
            var lastRun: Run?
        }
        let views = try JSONDecoder().decode([View].self, from: Data(listed.standardOutput.utf8))
        #expect(views.map(\.id) == ["backup:db:production"])
        #expect(views.first?.lastRun?.backup == backup && views.first?.lastRun?.missed == 2)
        let nextFire = try #require(views.first?.nextFireAt.flatMap(StewardDate.parse))
        #expect(nextFire == latest.addingTimeInterval(86_400))
        let text = try await RunbookFixture.steward(["backup", "schedules"], token: admin, on: cluster)
        #expect(text.status == 0 && text.standardOutput.contains("2 earlier fire times missed"), "\(text.standardOutput)")
        #expect(text.standardOutput.contains("backup \(backup)"), "\(text.standardOutput)")
        let help = try await runCommand(StewardCluster.stewardBinary, ["backup", "schedules", "--help"])
        #expect(help.status == 0 && help.standardOutput.contains("never a burst"), "\(help.standardOutput)")
    }
}
