import Foundation
import StewardTesting
import Testing

/// A control plane killed (SIGKILL) in the middle of a backup or a restore: after the restart the
/// work is ended in the log, what it left is cleaned up, and what it stopped runs again.
@Suite(.serialized) struct BackupCrashTests {
    typealias SetUp = DeployMigrationTests.SetUp
    typealias F = RunbookFixture

    /// `api` using `db`, backups of `db` taken unverified and not before deployments.
    static func stack(postgresPort: Int, apiPort: Int) -> String {
        F.stack(
            dependencies: ["db": "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgresPort)/shop"],
            services: F.databaseService(port: apiPort), environments: "  production: {}\n",
            runbooks: "backups:\n  - dependency: db\n    verify: false\n    beforeDeploy: false\n")
    }

    /// Killed while pg_dump writes: after the restart `backup.failed` says it was interrupted, the
    /// partial artifact is gone, and the next backup works.
    @Test func aBackupCutShortIsEndedAndItsPartialArtifactRemoved() async throws {
        let setUp = try await SetUp.start()
        defer { setUp.stop() }
        let (cluster, psql) = (setUp.cluster, setUp.psql)
        // Hex text compresses slowly: the dump runs long enough to be caught writing.
        _ = try await psql("CREATE TABLE big AS SELECT n, md5(n::text) AS h FROM generate_series(1, 1500000) n")
        let stack = Self.stack(postgresPort: setUp.postgres.port, apiPort: try FreePort.next())
        try await F.apply(stack, to: cluster)
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)

        let answer = try await cluster.api(
            "POST", "/backups", json: try JSONSerialization.data(withJSONObject: ["dependency": "db", "environment": "production"]))
        #expect(answer.status == 202, "\(answer.text)")
        let id = try #require(try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any])["backup"] as? String ?? ""
        let store = cluster.dataDirectory + "/backups"
        try await eventually(timeout: .seconds(30), pollEvery: .milliseconds(5), "the artifact to be written") {
            FileManager.default.fileExists(atPath: "\(store)/\(id).dump.partial")
        }
        cluster.killServer()
        #expect(!FileManager.default.fileExists(atPath: "\(store)/\(id).json"), "killed before the backup was complete")

        try await cluster.startServer()
        var failed: LoggedEvent?
        try await eventually(timeout: .seconds(30), "the backup to be ended") {
            failed = try await cluster.loggedEvents("backup.failed").first { $0.payload.backup == id }
            return failed != nil
        }
        #expect(failed?.actor == "steward", "ended by the restarted control plane's clean-up")
        #expect(failed?.payload.error?.contains("interrupted by a control-plane restart") == true, "\(failed?.payload.error ?? "")")
        #expect(failed?.payload.error?.contains("\(id).dump.partial") == true, "\(failed?.payload.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: "\(store)/\(id).dump.partial"))
        #expect(try await cluster.api("GET", "/backups/\(id)").status == 404)

        let next = try await F.steward(["backup", "create", "db", "--env", "production", "--wait"], token: cluster.adminToken, on: cluster)
        #expect(next.status == 0, "\(next.standardError)")
    }

    /// Killed while a verification restores into its scratch database: after the restart the
    /// scratch database is gone and `backup.verified` says the backup was not verified.
    @Test func aVerificationCutShortDropsItsScratchDatabase() async throws {
        let setUp = try await SetUp.start()
        defer { setUp.stop() }
        let (cluster, psql) = (setUp.cluster, setUp.psql)
        // Big enough that restoring it (rows, then the primary key) takes a while.
        _ = try await psql("CREATE TABLE big AS SELECT n, md5(n::text) AS h FROM generate_series(1, 1500000) n; ALTER TABLE big ADD PRIMARY KEY (n)")
        let stack = Self.stack(postgresPort: setUp.postgres.port, apiPort: try FreePort.next())
        try await F.apply(stack, to: cluster)
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)
        let created = try await F.steward(
            ["backup", "create", "db", "--env", "production", "--wait", "--output", "json"], token: cluster.adminToken, on: cluster)
        #expect(created.status == 0, "\(created.standardError)")
        let id = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])["id"] as? String ?? ""

        let verify = try await cluster.api("POST", "/backups/\(id)/verify")
        #expect(verify.status == 202, "\(verify.text)")
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(5), "the scratch database to exist") {
            try await psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'steward_verify_%'", database: "postgres") == "1"
        }
        cluster.killServer()

        try await cluster.startServer()
        var ended: LoggedEvent?
        try await eventually(timeout: .seconds(60), "the verification to be ended") {
            ended = try await cluster.loggedEvents("backup.verified").first { $0.payload.backup == id }
            return ended != nil
        }
        #expect(ended?.actor == "steward", "ended by the restarted control plane's clean-up")
        #expect(ended?.payload.passed == false)
        #expect(ended?.payload.failures?.first?.contains("dropped the scratch database steward_verify_") == true, "\(ended?.payload.failures ?? [])")
        #expect(try await psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'steward_verify_%'", database: "postgres") == "0")
    }

    /// Killed once the restore stopped the service for its swap: after the restart no copy is left,
    /// the database takes sessions and holds either the restored rows or the original ones (as the
    /// event recorded says), and the service runs again.
    @Test func aRestoreCutShortIsEndedAndItsServiceStartedAgain() async throws {
        let setUp = try await SetUp.start()
        defer { setUp.stop() }
        let (cluster, psql) = (setUp.cluster, setUp.psql)
        _ = try await psql("CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL); INSERT INTO orders (total) SELECT n FROM generate_series(1, 1500) n")
        let stack = Self.stack(postgresPort: setUp.postgres.port, apiPort: try FreePort.next())
        try await F.apply(stack, to: cluster)
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)
        let deployed = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "1.0.0"]))
        #expect(deployed.status == 202, "\(deployed.text)")
        let deployment = try await cluster.waitUntilFinished(try deployed.decode(DeploymentView.self).id, timeout: .seconds(60))
        #expect(deployment.phase == "succeeded", "\(deployment.reason ?? "")")
        let created = try await F.steward(
            ["backup", "create", "db", "--env", "production", "--wait", "--output", "json"], token: cluster.adminToken, on: cluster)
        #expect(created.status == 0, "\(created.standardError)")
        let id = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])["id"] as? String ?? ""
        _ = try await psql("INSERT INTO orders (total) SELECT n FROM generate_series(1, 25) n")

        let restore = try await cluster.api(
            "POST", "/backups/\(id)/restore", json: try JSONSerialization.data(withJSONObject: ["force": true]))
        #expect(restore.status == 202, "\(restore.text)")
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(5), "the service to be stopped for the swap") {
            try await cluster.loggedEvents("service.stopped").contains { $0.payload.service == "api" }
        }
        cluster.killServer()

        try await cluster.startServer()
        var ended: LoggedEvent?
        try await eventually(timeout: .seconds(60), "the restore to be ended") {
            ended = try await (cluster.loggedEvents("backup.restored") + cluster.loggedEvents("backup.restore-failed"))
                .first { $0.payload.backup == id }
            return ended != nil
        }
        let event = try #require(ended)
        #expect(event.actor == "steward", "ended by the restarted control plane's clean-up, not by the killed one")
        let databases = try await psql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database", database: "postgres")
        #expect(!databases.contains("shop_restore_"), "\(databases)")
        // The row count says which database is `shop` now, and the event must say the same.
        let rows = try await psql("SELECT count(*) FROM orders")
        if event.type == "backup.restored" {
            #expect(rows == "1500")
            #expect(event.payload.previousDatabase?.hasPrefix("shop_before_") == true)
        } else {
            #expect(rows == "1525", "\(event.payload.error ?? "")")
            #expect(event.payload.error?.contains("interrupted by a control-plane restart") == true, "\(event.payload.error ?? "")")
            #expect(event.payload.error?.contains("started again: api") == true, "\(event.payload.error ?? "")")
        }
        try await eventually(timeout: .seconds(60), "api to run again in production") {
            let answer = try await cluster.api("GET", "/instances?service=api&environment=production")
            return try answer.decode([InstanceView].self).contains { $0.ready && $0.spec.release > deployment.release }
        }
    }
}
