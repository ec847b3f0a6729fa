import Foundation
import StewardTesting
import Testing

/// `steward drill dr` end to end: a real PostgreSQL holding data, `steward serve` and `steward agent`,
/// demo-app using the database, a backup taken, then the drill through the CLI binary.
@Suite(.serialized) struct DrillTests {
    typealias F = RunbookFixture

    /// The report as the API answers it (the fields the test reads).
    struct Report: Decodable {
        struct Stage: Decodable {
            var name: String
            var passed: Bool?
            var detail: String?
        }
        struct Verdict: Decodable { var outcome: String }
        var id: String
        var state: String
        var stages: [Stage]
        var rtoSeconds: Double?
        var rpoSeconds: Double?
        var verdict: Verdict?
        var reportPath: String?
        var teardown: [String]
    }

    /// The drill restores the backup into a scratch cluster and starts demo-app against it while the real
    /// database refuses every connection (so the drill instance cannot be using it); it prints the RTO
    /// and RPO met against `recovery:`, writes the report, records the events, and leaves nothing behind:
    /// no drill instance, no cluster process, no cluster directory. The real database and instance are
    /// untouched. With an RTO of 1ms the same drill exits 5 (objectives missed).
    @Test func drillRestoresBesideAndReportsRTOAndRPO() async throws {
        let help = try await runCommand(StewardCluster.stewardBinary, ["drill", "dr", "--help"])
        #expect(help.status == 0 && help.standardOutput.contains("--env") && help.standardOutput.contains("--output"))
        // Help text is wrapped to the terminal's width: compare it as one line.
        let helpText = help.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(helpText.contains("5 it ran but missed RTO or RPO"), "\(help.standardOutput)")
        let usage = try await runCommand(StewardCluster.stewardBinary, ["drill", "dr"])
        #expect(usage.status == 64, "no --env: \(usage.standardError)")
        let password = "pg-drill-\(UInt32.random(in: 0...UInt32.max))"
        let postgres = try await PostgresServer.start(password: password)
        defer { postgres.stop() }
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_DB_PASSWORD": password])
        defer { cluster.shutdown() }
        let psql = PSQL(port: postgres.port, password: password)
        _ = try await psql("CREATE DATABASE shop", database: "postgres")
        _ = try await psql("""
            CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL);
            INSERT INTO orders (total) SELECT n FROM generate_series(1, 1500) n;
            """)
        let port = try FreePort.next()
        func stack(rto: String) -> String {
            F.stack(
                dependencies: ["db": "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgres.port)/shop"],
                services: """
                      api:
                        command: \(StewardCluster.demoAppBinary)
                        port: \(port)
                        env:
                          DATABASE_URL: ${dependencies.db.url}
                        readiness:
                          http: {path: /api/health/readyz, expectJSON: {status: Ready}}
                          interval: 1s
                          timeout: 1s
                        stopGracePeriod: 2s
                        deploy:
                          strategy: rolling
                          readinessTimeout: 30s
                          smoke: [["/bin/sh", "-c", "/usr/bin/curl -fsS \\"$STEWARD_URL/api/health/readyz\\""]]

                    """,
                environments: "  production: {}\n",
                // No backup before deploying: the drill must first be refused for want of one.
                runbooks: "backups:\n  - dependency: db\n    verify: true\n    beforeDeploy: false\nrecovery: {rto: \(rto), rpo: 1h}\n")
        }
        try await F.apply(stack(rto: "10m"), to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let viewer = try await F.user("vic", roles: ["viewer"], on: cluster)
        let deployed = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "1.0.0"]))
        #expect(deployed.status == 202, "\(deployed.text)")
        let deployment = try await cluster.waitUntilFinished(try deployed.decode(DeploymentView.self).id, timeout: .seconds(60))
        #expect(deployment.phase == "succeeded", "\(deployment.reason ?? "")\n\(cluster.logs())")

        // No backup yet: refused, nothing started (exit 2).
        let early = try await F.steward(["drill", "dr", "--env", "production"], token: ops, on: cluster)
        #expect(early.status == 2, "\(early.standardError)")
        #expect(early.standardError.contains("no backup of db taken in production"), "\(early.standardError)")
        let backup = try await F.steward(["backup", "create", "db", "--env", "production", "--wait"], token: ops, on: cluster)
        #expect(backup.status == 0, "\(backup.standardError)\n\(cluster.logs())")
        // Written after the backup: not in what the drill restores, kept in the real database.
        _ = try await psql("INSERT INTO orders (total) SELECT n FROM generate_series(1, 25) n")
        // A viewer may not run a drill (exit 2, 403).
        let refused = try await F.steward(["drill", "dr", "--env", "production"], token: viewer, on: cluster)
        #expect(refused.status == 2 && refused.standardError.contains("needs the role 'operator'"), "\(refused.standardError)")

        let real = try await cluster.agentInstances()
        #expect(real.count == 1 && real.allSatisfy(\.ready), "\(real)")
        // The disaster: the real database refuses every connection. The drill must not need it.
        _ = try await psql("ALTER DATABASE shop ALLOW_CONNECTIONS false", database: "postgres")

        let drill = try await F.steward(
            ["drill", "dr", "--env", "production"], token: ops, on: cluster, timeout: .seconds(240))
        _ = try await psql("ALTER DATABASE shop ALLOW_CONNECTIONS true", database: "postgres")
        #expect(drill.status == 0, "\(drill.standardOutput)\n\(drill.standardError)\n\(cluster.logs())")
        #expect(drill.standardOutput.contains("objectives met"), "\(drill.standardOutput)")
        #expect(drill.standardOutput.contains("RTO achieved: "), "\(drill.standardOutput)")
        #expect(drill.standardOutput.contains("(objective 10m: met)"), "\(drill.standardOutput)")
        #expect(drill.standardOutput.contains("RPO achieved: ") && drill.standardOutput.contains("(objective 1h: met)"))
        // Live progress on stderr: each stage as it starts and ends, with its time.
        for stage in ["create the scratch cluster", "restore db", "wait for readiness", "smoke tests", "tear down"] {
            #expect(drill.standardError.contains("\(stage): done in"), "\(stage): \(drill.standardError)")
        }
        let id = try #require(
            drill.standardOutput.split(separator: "\n").first?.split(separator: " ").dropFirst().first.map(String.init))
        let answer = try await cluster.api("GET", "/drills/\(id)", token: ops)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(!answer.text.contains(password) && !answer.text.contains("postgres://"), "no URL or password: \(answer.text)")
        let report = try answer.decode(Report.self)
        #expect(report.state == "completed" && report.verdict?.outcome == "met")
        let rto = try #require(report.rtoSeconds)
        #expect(rto > 0)
        #expect((report.rpoSeconds ?? -1) >= 0)

        // The Markdown report: private, and saying what the CLI said.
        let path = try #require(report.reportPath)
        #expect(drill.standardOutput.contains("report: \(path)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        #expect(markdown.contains("# Disaster-recovery drill \(id)") && markdown.contains("| RTO (time to healthy) | 10m |"))
        #expect(!markdown.contains(password))

        // The events, with the figures; the password in none.
        let events = try await cluster.api("GET", "/events?type=drill.&subject=drill/\(id)", token: ops)
        #expect(events.text.contains(#""type":"drill.started""#) && events.text.contains(#""type":"drill.completed""#), "\(events.text)")
        #expect(events.text.contains(#""outcome":"met""#) && events.text.contains("rtoSeconds"), "\(events.text)")
        #expect(!events.text.contains(password))

        // Nothing of the drill is left: instances, processes, the cluster and its directory.
        let after = try await cluster.agentInstances()
        #expect(!after.contains { $0.id.hasPrefix("drill-") }, "\(after.map(\.id))")
        #expect(ProcTable.processes(withEnvironmentEntry: "STEWARD_DRILL=\(id)").isEmpty)
        let clusterDirectory = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
            + "/steward-drill-\(id)"
        #expect(!FileManager.default.fileExists(atPath: clusterDirectory))
        #expect(!Self.anyProcess(mentioning: "steward-drill-\(id)"), "a process of the scratch cluster is still running")

        // The real database and instance are untouched: all 1525 rows, the same process, ready again.
        #expect(try await psql("SELECT count(*) FROM orders") == "1525")
        try await eventually(timeout: .seconds(30), "the real instance ready again, the same process") {
            let now = try await cluster.agentInstances()
            return now.count == 1 && now[0].id == real[0].id && now[0].pid == real[0].pid && now[0].ready
        }

        // Objectives the drill cannot meet: it runs, says so, exits 5, and still tears down.
        try await F.apply(stack(rto: "1ms"), to: cluster)
        let missed = try await F.steward(
            ["drill", "dr", "--env", "production", "--output", "json"], token: ops, on: cluster, timeout: .seconds(240))
        #expect(missed.status == 5, "\(missed.standardOutput)\n\(missed.standardError)")
        let json = try JSONDecoder().decode(Report.self, from: Data(missed.standardOutput.utf8))
        #expect(json.state == "completed" && json.verdict?.outcome == "missed")
        #expect(missed.standardError.contains("objectives missed: RTO"), "\(missed.standardError)")
        #expect(!(try await cluster.agentInstances()).contains { $0.id.hasPrefix("drill-") })
        #expect(!FileManager.default.fileExists(atPath: clusterDirectory.replacingOccurrences(of: id, with: json.id)))

        // Both drills are listed from the log, newest first, with their outcomes and figures.
        let list = try await F.steward(["drill", "list", "--env", "production"], token: ops, on: cluster)
        #expect(list.status == 0, "\(list.standardError)")
        let lines = list.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(list.standardOutput)")
        #expect(lines.first?.hasPrefix(json.id) == true && lines.first?.contains("objectives missed") == true, "\(lines)")
        #expect(lines.last?.hasPrefix(id) == true && lines.last?.contains("objectives met") == true && lines.last?.contains("RTO ") == true)

        // The dashboard, as a browser runs it, shows both drills and the verified backups they restored.
        let chromium = try #require(
            SchemathesisTests.lookUp("chromium"), "chromium is not installed (.ci/run installs it: apt-get install chromium)")
        let dom = try await runCommand(
            chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(cluster.directory.path)/chromium",
             "--virtual-time-budget=5000", "--dump-dom", cluster.serverURL + "/#token=" + cluster.adminToken],
            timeout: .seconds(90))
        #expect(dom.status == 0, "\(dom.standardError.suffix(2000))")
        #expect(dom.standardOutput.contains(#"data-drill="\#(id)" data-outcome="met""#), "\(dom.standardOutput.suffix(4000))")
        #expect(dom.standardOutput.contains(#"data-drill="\#(json.id)" data-outcome="missed""#))
        #expect(dom.standardOutput.contains(#"data-state="verified""#), "a verified backup is listed")
    }

    /// The control plane is SIGKILLed while its drill waits for the drill instance to become ready: the
    /// scratch cluster and the drill instance outlive it. Started again, it stops the instance, stops and
    /// deletes the cluster, and records `drill.failed` (stage `interrupted`); the real instance runs on.
    @Test func aDrillInterruptedByACrashIsCleanedUpOnRestart() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        _ = try await F.psql(postgres, "CREATE DATABASE shop")
        let port = try FreePort.next()
        // Every instance of this release takes 10 s to be ready: the drill's too, which is the window to crash in.
        let stack = F.stack(
            dependencies: ["db": "postgres://postgres@127.0.0.1:\(postgres.port)/shop"],
            services: """
                  api:
                    command: \(StewardCluster.demoAppBinary)
                    port: \(port)
                    env:
                      DATABASE_URL: ${dependencies.db.url}
                      READY_DELAY_MS: "10000"
                    readiness:
                      http: {path: /api/health/readyz, expectJSON: {status: Ready}}
                      interval: 1s
                      timeout: 1s
                    stopGracePeriod: 2s
                    deploy: {strategy: rolling, readinessTimeout: 60s}

                """,
            environments: "  production: {}\n", runbooks: "backups:\n  - dependency: db\n    verify: false\n")
        try await F.apply(stack, to: cluster)
        // The same stack at restart: the file given to `serve --stack` wins then.
        try stack.write(toFile: cluster.stackPath, atomically: true, encoding: .utf8)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let deployed = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "api", "environment": "production", "version": "1.0.0"]))
        let deployment = try await cluster.waitUntilFinished(try deployed.decode(DeploymentView.self).id, timeout: .seconds(90))
        #expect(deployment.phase == "succeeded", "\(deployment.reason ?? "")\n\(cluster.logs())")
        let backup = try await F.steward(["backup", "create", "db", "--env", "production", "--wait"], token: ops, on: cluster)
        #expect(backup.status == 0, "\(backup.standardError)")
        let real = try await cluster.agentInstances()

        let started = try await cluster.api(
            "POST", "/drills", json: try JSONSerialization.data(withJSONObject: ["environment": "production"]), token: ops)
        #expect(started.status == 202, "\(started.text)")
        let id = try started.decode(Report.self).id
        try await eventually(timeout: .seconds(30), "the drill waiting for its instance's readiness") {
            let report = try await cluster.api("GET", "/drills/\(id)", token: ops).decode(Report.self)
            return report.stages.last?.name == "wait for readiness" && report.stages.last?.passed == nil
        }
        let directory = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
            + "/steward-drill-\(id)"
        cluster.killServer()
        // What the crash left: the instance on the agent, the cluster running in its directory.
        #expect(try await cluster.agentInstances().contains { $0.id.hasPrefix("drill-\(id)-") })
        #expect(FileManager.default.fileExists(atPath: directory) && Self.anyProcess(mentioning: "steward-drill-\(id)"))

        try await cluster.startServer()
        try await eventually(timeout: .seconds(60), "the interrupted drill's leftovers removed") {
            let instances = try await cluster.agentInstances()
            return !instances.contains { $0.id.hasPrefix("drill-") } && !FileManager.default.fileExists(atPath: directory)
                && !Self.anyProcess(mentioning: "steward-drill-\(id)")
        }
        try await eventually(timeout: .seconds(30), "drill.failed recorded") {
            let events = try await cluster.api("GET", "/events?type=drill.failed&subject=drill/\(id)", token: ops)
            return events.text.contains("interrupted by a control-plane restart")
        }
        #expect(ProcTable.processes(withEnvironmentEntry: "STEWARD_DRILL=\(id)").isEmpty)
        let after = try await cluster.agentInstances()
        #expect(after.map(\.id) == real.map(\.id) && after.map(\.pid) == real.map(\.pid), "the real instance runs on")
    }

    /// True while a live process has `text` in its command line (a postmaster of a scratch cluster).
    static func anyProcess(mentioning text: String) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.contains { name in
            guard Int32(name) != nil, let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }
}
