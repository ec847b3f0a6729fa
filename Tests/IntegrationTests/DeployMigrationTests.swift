import Foundation
import StewardTesting
import Testing

/// `deploy.migrate`: a deployment applies the pending migrations of its database in the
/// pre-deployment checklist, after the `beforeDeploy` backup and before any instance starts,
/// against a real `steward serve` and agent and a real PostgreSQL with a password.
@Suite(.serialized) struct DeployMigrationTests {
    typealias F = RunbookFixture

    /// `api` (demo-app, using `db`) migrates `db` before each deployment in production, where a
    /// verified backup comes first; the `backups:` entry does not ask for verification itself.
    static func stack(postgresPort: Int, apiPort: Int) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          db:
            url: "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgresPort)/shop"
            migrations: db/migrations
        services:
        \(F.databaseService(port: apiPort, moreDeployKeys: "migrate: [db]"))environments:
          production: {}
        backups:
          - dependency: db

        """
    }

    /// A deployment as the API answers it (the fields these tests read).
    struct Deployment: Decodable {
        var id: Int
        var phase: String
        var reason: String?
        var release: Int
        var checklistItems: [String]?
    }

    /// One `migration.*` event (the fields these tests read).
    struct MigrationEventView: Decodable {
        struct Payload: Decodable {
            var run: String?
            var version: Int?
            var versions: [Int]?
            var backup: String?
            var deployment: String?
            var error: String?
        }
        var type: String
        var payload: Payload
    }

    /// A password-protected PostgreSQL with an empty `shop` database, a cluster that knows the password
    /// as the secret DB_PASSWORD, and the migrations folder of the stack (`db/migrations`, empty).
    struct SetUp {
        let password: String
        let postgres: PostgresServer
        let cluster: StewardCluster
        let psql: PSQL
        let directory: String

        static func start() async throws -> SetUp {
            let password = "pg-deploy-\(UInt32.random(in: 0...UInt32.max))"
            let postgres = try await PostgresServer.start(password: password)
            let cluster: StewardCluster
            do {
                cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_DB_PASSWORD": password])
            } catch {
                postgres.stop()
                throw error
            }
            let setUp = SetUp(
                password: password, postgres: postgres, cluster: cluster, psql: PSQL(port: postgres.port, password: password),
                directory: cluster.directory.path + "/db/migrations")
            do {
                _ = try await setUp.psql("CREATE DATABASE shop", database: "postgres")
                try FileManager.default.createDirectory(atPath: setUp.directory, withIntermediateDirectories: true)
            } catch {
                setUp.stop()
                throw error
            }
            return setUp
        }

        func stop() {
            cluster.shutdown()
            postgres.stop()
        }
    }

    /// Two pending migrations are listed and applied before the instances start, under the one
    /// (verified) backup; then nothing pending says so; a failing migration fails the deployment
    /// naming it, with nothing started and the schema unchanged; an edited applied migration
    /// (drift) refuses the deployment.
    @Test func aDeploymentMigratesItsDatabaseFirst() async throws {
        let setUp = try await SetUp.start()
        defer { setUp.stop() }
        let (password, postgres, cluster, psql, directory) = (setUp.password, setUp.postgres, setUp.cluster, setUp.psql, setUp.directory)
        func write(_ name: String, _ sql: String) throws {
            try sql.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        func columns() async throws -> String {
            try await psql(
                "SELECT coalesce(string_agg(table_name || '.' || column_name, ', ' ORDER BY table_name, column_name), '') "
                    + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'steward_schema_migrations'")
        }
        func history() async throws -> String {
            try await psql("SELECT string_agg(version || ' ' || name, ', ' ORDER BY version) FROM steward_schema_migrations")
        }
        func deployment(_ id: Int) async throws -> Deployment {
            try await cluster.api("GET", "/deployments/\(id)").decode(Deployment.self)
        }
        func deploy(_ version: String) async throws -> Deployment {
            let answer = try await cluster.api(
                "POST", "/deployments",
                json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": version]))
            #expect(answer.status == 202, "\(answer.text)")
            let id = try answer.decode(Deployment.self).id
            var last: Deployment?
            try await eventually(timeout: .seconds(120), pollEvery: .milliseconds(100), "deployment \(id) to finish") {
                last = try await deployment(id)
                return last?.phase == "succeeded" || last?.phase == "failed"
            }
            return try #require(last)
        }
        /// The instances the agent runs, by release.
        func releasesRunning() async throws -> Set<Int> { Set(try await cluster.agentInstances().map(\.spec.release)) }

        try write("0001_create_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY);")
        try write("0002_add_price.up.sql", "ALTER TABLE items ADD COLUMN price numeric NOT NULL DEFAULT 0;")
        try await F.apply(Self.stack(postgresPort: postgres.port, apiPort: try FreePort.next()), to: cluster)

        // (a) Both pending migrations listed and applied, then the instances start; through the CLI.
        let cli = try await F.steward(
            ["deploy", "api", "1.0.0", "--env", "production", "--wait"], token: cluster.adminToken, on: cluster,
            timeout: .seconds(180))
        #expect(cli.status == 0, "\(cli.standardError)\n\(cluster.logs())")
        #expect(cli.standardOutput.contains("checklist: db: 0001_create_items applied\nchecklist: db: 0002_add_price applied\n"), "\(cli.standardOutput)")
        let listed = try await cluster.api("GET", "/deployments").decode([Deployment].self)
        let first = try await deployment(try #require(listed.map(\.id).max()))
        #expect(first.phase == "succeeded")
        #expect(first.checklistItems == ["db: 0001_create_items applied", "db: 0002_add_price applied"])
        #expect(try await columns() == "items.id, items.price")
        #expect(try await history() == "1 create_items, 2 add_price")
        #expect(try await releasesRunning() == [first.release])
        // One backup, verified because a migration followed it, named by the run's events, all tied to the deployment.
        let backups = try await cluster.api("GET", "/backups").text
        #expect(backups.components(separatedBy: #""verified":true"#).count == 2, "\(backups)")
        var events = try await cluster.api("GET", "/events?type=migration.&limit=1000").decode([MigrationEventView].self)
        let started = try #require(events.first { $0.type == "migration.started" })
        #expect(started.payload.versions == [1, 2])
        #expect(started.payload.deployment == String(first.id))
        let backup = try #require(started.payload.backup)
        #expect(backups.contains(backup))
        #expect(events.filter { $0.type == "migration.applied" }.map { $0.payload.version } == [1, 2])
        #expect(events.allSatisfy { $0.payload.deployment == String(first.id) && $0.payload.backup == backup })
        // The migrations ran (and were recorded) before the first instance of the release was ready.
        let appliedSeq = try #require(try await cluster.events(type: "migration.applied").last?.seq)
        let readySeq = try #require(try await cluster.events(type: "deployment.instance-ready").first { $0.subject == "deployment/\(first.id)" }?.seq)
        #expect(appliedSeq < readySeq)

        // (d) Nothing pending: the item says so, and no run starts.
        let second = try await deploy("1.0.1")
        #expect(second.phase == "succeeded", "\(second.reason ?? "")\n\(cluster.logs())")
        #expect(second.checklistItems == ["db: no pending migrations"])
        events = try await cluster.api("GET", "/events?type=migration.&limit=1000").decode([MigrationEventView].self)
        #expect(events.filter { $0.type == "migration.started" }.count == 1)
        let checked = try await cluster.api("GET", "/events?type=deployment.checked&limit=1000").text
        #expect(checked.contains(#""items":["db: no pending migrations"]"#), "\(checked)")

        // (b) A failing migration: the deployment fails naming it, nothing started, the schema unchanged.
        try write("0003_add_note.up.sql", "ALTER TABLE items ADD COLUMN note text;\nSELEC 1;")
        let broken = try await deploy("1.0.2")
        #expect(broken.phase == "failed")
        let reason = broken.reason ?? ""
        #expect(reason.contains("migration 0003_add_note of db failed: 0003_add_note.up.sql failed at statement 2 of 2"), "\(reason)")
        #expect(broken.checklistItems == ["db: 0003_add_note failed, rolled back"])
        #expect(try await columns() == "items.id, items.price")
        #expect(try await history() == "1 create_items, 2 add_price")
        #expect(try await releasesRunning() == [second.release], "an instance of the failed release started")
        events = try await cluster.api("GET", "/events?type=migration.failed&limit=1000").decode([MigrationEventView].self)
        #expect(events.contains { $0.payload.version == 3 && $0.payload.deployment == String(broken.id) })
        try FileManager.default.removeItem(atPath: directory + "/0003_add_note.up.sql")

        // (c) An edited applied migration: refused, naming the file; nothing runs, nothing starts.
        try write("0002_add_price.up.sql", "ALTER TABLE items ADD COLUMN price integer;")
        let drifted = try await deploy("1.0.3")
        #expect(drifted.phase == "failed")
        let refusal = drifted.reason ?? ""
        #expect(refusal.contains("the migrations of db were refused, nothing ran: "), "\(refusal)")
        #expect(refusal.contains("0002_add_price.up.sql changed after it was applied (applied sha256 "), "\(refusal)")
        #expect(try await columns() == "items.id, items.price")
        #expect(try await releasesRunning() == [second.release])

        // The password reached no event, no answer, no log line.
        let everything = try await cluster.api("GET", "/events?limit=1000").text + cli.standardOutput + cli.standardError + cluster.logs()
        #expect(!everything.contains(password))
    }

    /// A manual run of the database is refused while a deployment migrates it. The control plane
    /// killed while the checklist migrates (one migration committed, the next one running):
    /// restarted, it runs the checklist again, skips the committed migration, applies the rest
    /// once, and the deployment succeeds.
    @Test func aCrashWhileMigratingIsSafe() async throws {
        let setUp = try await SetUp.start()
        defer { setUp.stop() }
        let (postgres, cluster, psql, directory) = (setUp.postgres, setUp.cluster, setUp.psql, setUp.directory)
        try "CREATE TABLE items (id bigint PRIMARY KEY);".write(
            toFile: directory + "/0001_create_items.up.sql", atomically: true, encoding: .utf8)
        // Slow enough to be caught running: the crash comes while its transaction is open.
        try "SELECT pg_sleep(2);\nALTER TABLE items ADD COLUMN price numeric;".write(
            toFile: directory + "/0002_add_price.up.sql", atomically: true, encoding: .utf8)
        let stack = Self.stack(postgresPort: postgres.port, apiPort: try FreePort.next())
        try await F.apply(stack, to: cluster)
        // The restarted control plane reads its stack file again: the same stack.
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)

        let answer = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "1.0.0"]))
        #expect(answer.status == 202, "\(answer.text)")
        let id = try answer.decode(Deployment.self).id
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(20), "migration 1 to be applied") {
            try await cluster.api("GET", "/events?type=migration.applied&limit=1000").decode([MigrationEventView].self)
                .contains { $0.payload.version == 1 }
        }
        // While the deployment migrates the database, a manual run of it is refused.
        let manual = try await cluster.api(
            "POST", "/migrations/db/up", json: try JSONSerialization.data(withJSONObject: ["environment": "production"]))
        #expect(manual.status == 409, "\(manual.text)")
        #expect(manual.text.contains("still running"), "\(manual.text)")
        cluster.killServer()
        #expect(try await psql("SELECT string_agg(version::text, ',') FROM steward_schema_migrations") == "1")

        try await cluster.startServer()
        var last: Deployment?
        try await eventually(timeout: .seconds(120), pollEvery: .milliseconds(100), "deployment \(id) to finish") {
            last = try await cluster.api("GET", "/deployments/\(id)").decode(Deployment.self)
            return last?.phase == "succeeded" || last?.phase == "failed"
        }
        let finished = try #require(last)
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        #expect(finished.checklistItems == ["db: 0002_add_price applied"], "the second pass lists what was still pending")
        #expect(try await psql("SELECT string_agg(version || ' ' || name, ', ' ORDER BY version) FROM steward_schema_migrations")
            == "1 create_items, 2 add_price")
        let applied = try await cluster.api("GET", "/events?type=migration.applied&limit=1000").decode([MigrationEventView].self)
        #expect(applied.compactMap(\.payload.version) == [1, 2], "each migration applied once")
        // The run the crash cut short is ended by the restarted control plane.
        let runs = try await cluster.api("GET", "/events?type=migration.started&limit=1000").decode([MigrationEventView].self)
        let failed = try await cluster.api("GET", "/events?type=migration.failed&limit=1000").decode([MigrationEventView].self)
        #expect(runs.count == 2)
        #expect(failed.count == 1 && failed.first?.payload.run == runs.first?.payload.run)
        #expect(failed.first?.payload.error?.contains("interrupted by a control-plane restart") == true)
        #expect(Set(try await cluster.agentInstances().map(\.spec.release)) == [finished.release])
    }
}
