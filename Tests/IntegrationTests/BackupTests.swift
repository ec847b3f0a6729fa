import Foundation
import StewardTesting
import Testing

/// Backups through the control plane: a real `steward serve` and agent, a real PostgreSQL with a
/// password (a `STEWARD_SECRET_…` of the serve process), and the CLI for every step.
@Suite(.serialized) struct BackupTests {
    typealias F = RunbookFixture

    /// A backup as the API answers it (the fields the test reads).
    struct View: Decodable {
        struct Manifest: Decodable {
            struct Table: Decodable {
                var schema: String
                var name: String
                var rows: Int
            }
            var database: String
            var tables: [Table]
            var deployment: String?
        }
        struct Operation: Decodable {
            var state: String
            var error: String?
            var stoppedServices: [String]?
            var previousDatabase: String?
        }
        var id: String
        var verified: Bool
        var manifest: Manifest?
        var operation: Operation?
    }

    /// A deployment takes a verified backup first (`beforeDeploy`); create → list → verify →
    /// restore (refused without --force on a non-empty target, then forced) with identical row
    /// counts; a viewer is refused; prune --dry-run deletes nothing and prune keeps the newest
    /// verified backup; a deployment whose backup fails its integrity query starts nothing; the
    /// password is in no event, answer or data file.
    @Test func createVerifyRestorePruneThroughTheCLI() async throws {
        let password = "pg-backup-\(UInt32.random(in: 0...UInt32.max))"
        let postgres = try await PostgresServer.start(password: password)
        defer { postgres.stop() }
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_DB_PASSWORD": password])
        defer { cluster.shutdown() }
        let psql = PSQL(port: postgres.port, password: password)
        _ = try await psql("CREATE DATABASE shop", database: "postgres")
        _ = try await psql("""
            CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL);
            CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL);
            INSERT INTO orders (total) SELECT n FROM generate_series(1, 1500) n;
            INSERT INTO customers (name) SELECT 'c' || n FROM generate_series(1, 40) n;
            """)
        let services = F.databaseService(port: try FreePort.next())
        let stack = F.stack(
            dependencies: ["db": "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgres.port)/shop"],
            services: services, environments: "  production:\n    backupRetention: {keepLast: 1}\n",
            runbooks: "backups:\n  - dependency: db\n    verify: true\n    integrityQueries:\n      - SELECT id FROM orders WHERE total < 0\n")
        try await F.apply(stack, to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let viewer = try await F.user("vic", roles: ["viewer"], on: cluster)
        let deployed = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "1.0.0"]))
        #expect(deployed.status == 202, "\(deployed.text)")
        let deployment = try await cluster.waitUntilFinished(try deployed.decode(DeploymentView.self).id, timeout: .seconds(60))
        #expect(deployment.phase == "succeeded", "\(deployment.reason ?? "")\n\(cluster.logs())")
        // The backup the deployment took first (beforeDeploy, the default), tagged with it and verified.
        let beforeDeploy = try await cluster.api("GET", "/backups").decode([View].self)
        #expect(beforeDeploy.count == 1)
        #expect(beforeDeploy.first?.manifest?.deployment == String(deployment.id))
        #expect(beforeDeploy.first?.verified == true)

        // A viewer may not take a backup: 403 from the server, exit 2.
        let refused = try await F.steward(["backup", "create", "db", "--env", "production"], token: viewer, on: cluster)
        #expect(refused.status == 2, "\(refused.standardError)")
        #expect(refused.standardError.contains("needs the role 'operator'"), "\(refused.standardError)")

        // Create (and verify, as the stack says) and follow it.
        let created = try await F.steward(
            ["backup", "create", "db", "--env", "production", "--wait", "--output", "json"], token: ops, on: cluster)
        #expect(created.status == 0, "\(created.standardError)\n\(cluster.logs())")
        let first = try JSONDecoder().decode(View.self, from: Data(created.standardOutput.utf8))
        #expect(first.verified)
        let counts = Dictionary(uniqueKeysWithValues: (first.manifest?.tables ?? []).map { ($0.name, $0.rows) })
        #expect(counts == ["orders": 1500, "customers": 40])

        let listed = try await F.steward(["backup", "list"], token: viewer, on: cluster)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains(first.id) && listed.standardOutput.contains("verified"), "\(listed.standardOutput)")

        let verified = try await F.steward(["backup", "verify", first.id, "--wait"], token: ops, on: cluster)
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains("passed"), "\(verified.standardOutput)")

        // The data changes; a restore into the non-empty database without --force is refused, untouched.
        _ = try await psql("INSERT INTO orders (total) SELECT n FROM generate_series(1, 25) n; DELETE FROM customers WHERE id <= 5")
        let unforced = try await F.steward(["backup", "restore", first.id, "--yes", "--wait"], token: ops, on: cluster)
        #expect(unforced.status == 1, "\(unforced.standardOutput)")
        #expect(unforced.standardError.contains("--force") || unforced.standardError.contains("force"), "\(unforced.standardError)")
        #expect(try await psql("SELECT count(*) FROM orders") == "1525")

        let restored = try await F.steward(
            ["backup", "restore", first.id, "--force", "--yes", "--wait", "--output", "json"], token: ops, on: cluster,
            timeout: .seconds(180))
        #expect(restored.status == 0, "\(restored.standardError)\n\(cluster.logs())")
        let after = try JSONDecoder().decode(View.self, from: Data(restored.standardOutput.utf8))
        #expect(after.operation?.stoppedServices == ["api"])
        #expect(after.operation?.previousDatabase?.hasPrefix("shop_before_") == true)
        #expect(try await psql("SELECT count(*) FROM orders") == "1500")
        #expect(try await psql("SELECT count(*) FROM customers") == "40")
        // The service was started again after the swap.
        try await eventually(timeout: .seconds(60), "api to run again in production") {
            let answer = try await cluster.api("GET", "/instances?service=api&environment=production")
            return try answer.decode([InstanceView].self).contains { $0.ready && $0.spec.release > deployment.release }
        }

        // A second backup; retention (keepLast 1) keeps it, the newest verified one.
        let second = try await F.steward(
            ["backup", "create", "db", "--env", "production", "--wait", "--output", "json"], token: ops, on: cluster)
        #expect(second.status == 0, "\(second.standardError)")
        let newest = try JSONDecoder().decode(View.self, from: Data(second.standardOutput.utf8))
        #expect(newest.verified)

        let dry = try await F.steward(["backup", "prune", "--env", "production", "--dry-run"], token: ops, on: cluster)
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("would delete  \(first.id)"), "\(dry.standardOutput)")
        #expect(dry.standardOutput.contains("keep    \(newest.id)"), "\(dry.standardOutput)")
        #expect(dry.standardOutput.contains("nothing was deleted"))
        #expect(try await cluster.api("GET", "/backups/\(first.id)").status == 200, "a dry run deletes nothing")

        let pruned = try await F.steward(["backup", "prune", "--env", "production"], token: ops, on: cluster)
        #expect(pruned.status == 0, "\(pruned.standardError)")
        #expect(pruned.standardOutput.contains("2 deleted"), "\(pruned.standardOutput)")
        #expect(try await cluster.api("GET", "/backups/\(first.id)").status == 404)
        let kept = try await cluster.api("GET", "/backups/\(newest.id)")
        #expect(kept.status == 200 && kept.text.contains("\"verified\":true"))
        #expect(try await cluster.api("GET", "/events?type=backup.pruned").text.contains(first.id))

        // Metrics: how many backups there are and how old the newest verified one is.
        let metrics = try await cluster.http.get(cluster.serverURL + "/metrics").text
        #expect(metrics.contains("steward_backups_total{dependency=\"db\",environment=\"production\"} 1"), "\(metrics)")
        #expect(metrics.contains("steward_backup_newest_verified_age_seconds{dependency=\"db\",environment=\"production\"}"))

        // A row breaks the integrity query: the backup before the next deployment fails its
        // verification, so the deployment fails in its checklist and starts nothing.
        _ = try await psql("INSERT INTO orders (total) VALUES (-1)")
        let refusedDeploy = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "2.0.0"]))
        #expect(refusedDeploy.status == 202, "\(refusedDeploy.text)")
        let unbacked = try await cluster.waitUntilFinished(try refusedDeploy.decode(DeploymentView.self).id, timeout: .seconds(120))
        #expect(unbacked.phase == "failed")
        #expect(unbacked.reason?.contains("the backup of db before deploying") == true, "\(unbacked.reason ?? "")")
        #expect(try await cluster.agentInstances().allSatisfy { $0.spec.release != unbacked.release })

        // The password reached no event, no answer and no file of the data directory.
        var everything = try await cluster.api("GET", "/events?limit=1000").text
        everything += try await cluster.api("GET", "/backups").text + kept.text + created.standardOutput + restored.standardOutput
        everything += cluster.logs()
        #expect(!everything.contains(password))
        let events = try await cluster.api("GET", "/events?limit=1000").text
        for type in ["backup.started", "backup.created", "backup.verify-started", "backup.verified", "backup.restore-started", "backup.restored",
                     "backup.restore-failed", "backup.pruned"] {
            #expect(events.contains("\"\(type)\""), "no \(type) event")
        }
        let enumerator = FileManager.default.enumerator(atPath: cluster.dataDirectory)
        var files = 0
        while let name = enumerator?.nextObject() as? String {
            let path = cluster.dataDirectory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            files += 1
            #expect(data.range(of: Data(password.utf8)) == nil, "\(name) holds the password")
        }
        #expect(files > 3)
        let mode = try FileManager.default.attributesOfItem(atPath: cluster.dataDirectory + "/backups")[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }
}
