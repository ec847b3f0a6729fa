import Foundation
import StewardTesting
import Testing

/// The guides' runbooks as shipped in `examples/`, run by a real control plane against real
/// PostgreSQL and Redis: dry runs, approval gates, conditions, a failed step resumed with
/// `--from`, and a run whose control plane is killed mid-step.
@Suite(.serialized) struct RunbookTests {
    typealias F = RunbookFixture

    /// smartunderwrite: terminate idle-in-transaction sessions (production: a second person approves)
    /// and archive old audit rows (fails on a frozen table, resumed from the failed step).
    @Test func smartunderwriteRunbooksAgainstPostgres() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let password = "pg-canary-\(UInt32.random(in: 0...UInt32.max))"
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_DB_PASSWORD": password])
        defer { cluster.shutdown() }
        // The guide's 30-minute threshold, shortened so the test need not wait half an hour.
        let runbooks = try F.exampleRunbooks("smartunderwrite").replacingOccurrences(of: "'30 minutes'", with: "'1 second'")
        try await F.apply(
            F.stack(
                dependencies: ["db": "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgres.port)/postgres"],
                services: F.service("api", port: try FreePort.next()),
                environments: "  development: {}\n  staging: {}\n  production: {approvals: 1}\n", runbooks: runbooks),
            to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let ann = try await F.user("ann", roles: ["approver@production"], on: cluster)
        let viewer = try await F.user("vic", roles: ["viewer"], on: cluster)

        // A stuck session, idle in a transaction for more than the threshold.
        let stuck = try StuckSession(postgres: postgres, applicationName: "stuck-app")
        defer { stuck.close() }
        let stuckQuery = "SELECT pid FROM pg_stat_activity WHERE application_name = 'stuck-app' AND state = 'idle in transaction'"
        try await eventually(timeout: .seconds(10), "the session to sit idle in a transaction for over a second") {
            try await !F.psql(postgres, stuckQuery + " AND now() - query_start > interval '1 second'").isEmpty
        }
        let stuckPID = try await F.psql(postgres, stuckQuery)

        // A dry run shows every step resolved, the password masked, and runs nothing.
        let eventsBefore = try await cluster.api("GET", "/events?limit=1").text
        let dry = try await F.steward(
            ["runbook", "run", "kill-idle-in-transaction", "--env", "production", "--dry-run"], token: ops, on: cluster)
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("sql on postgres://postgres:••••••@127.0.0.1:\(postgres.port)/postgres"))
        #expect(dry.standardOutput.contains("waits for 1 approval(s); only when steps.count-stuck.value > 0"))
        #expect(!dry.standardOutput.contains(password))
        #expect(try await cluster.api("GET", "/events?limit=1").text == eventsBefore)
        #expect(try await F.psql(postgres, stuckQuery) == stuckPID)

        // Viewers may not run it; the operator may, and the run stops at the gate.
        #expect(try await F.start("kill-idle-in-transaction", environment: "production", token: viewer, on: cluster).status == 403)
        let started = try await F.start("kill-idle-in-transaction", environment: "production", token: ops, on: cluster)
        #expect(started.status == 202, "\(started.text)")
        let id = try started.decode(F.Run.self).id
        var run = try await F.waitFor(id, ["awaiting-approval", "failed"], on: cluster)
        #expect(run.phase == "awaiting-approval", "\(run.reason ?? "")")
        #expect(run.step("count-stuck")?.result?.value == "1")
        #expect(run.step("show-connection-states")?.result?.output.contains("idle in transaction") == true)

        // In production the person who started it cannot approve; a viewer is refused; the approver may.
        let own = try await cluster.api("POST", "/runbook-runs/\(id)/approve", token: ops)
        #expect(own.status == 409)
        #expect(own.text.contains("other than ops"))
        #expect(try await cluster.api("POST", "/runbook-runs/\(id)/approve", token: viewer).status == 403)
        #expect(try await F.psql(postgres, stuckQuery) == stuckPID, "nothing ran before the approval")
        let approved = try await cluster.api("POST", "/runbook-runs/\(id)/approve", token: ann)
        #expect(approved.status == 202, "\(approved.text)")
        run = try await F.waitFor(id, ["succeeded", "failed"], on: cluster)
        #expect(run.phase == "succeeded", "\(run.reason ?? "")")
        #expect(run.step("terminate-idle-in-transaction")?.approvals == ["ann"])
        #expect(run.step("terminate-idle-in-transaction")?.result?.value == "t")
        try await eventually(timeout: .seconds(10), "the stuck session to be gone") {
            try await F.psql(postgres, "SELECT count(*) FROM pg_stat_activity WHERE pid = \(stuckPID)") == "0"
        }
        let approvals = try await cluster.api("GET", "/events?type=runbook.step.approved").text
        #expect(approvals.contains("\"actor\":\"ann\""))

        // Archive: the table is frozen, so moving rows fails and rolls back; unfrozen, --from resumes there.
        _ = try await F.psql(postgres, """
            CREATE TABLE "AuditLogs" ("Id" serial PRIMARY KEY, "Timestamp" timestamptz NOT NULL, "Action" text);
            INSERT INTO "AuditLogs" ("Timestamp", "Action")
              SELECT now() - interval '2 years', 'Old' FROM generate_series(1, 5);
            INSERT INTO "AuditLogs" ("Timestamp", "Action") SELECT now(), 'New' FROM generate_series(1, 3);
            CREATE TABLE audit_freeze (frozen boolean);
            INSERT INTO audit_freeze VALUES (true);
            CREATE FUNCTION refuse_delete() RETURNS trigger AS $$
            BEGIN
              IF (SELECT frozen FROM audit_freeze) THEN RAISE EXCEPTION 'audit logs are frozen for an investigation'; END IF;
              RETURN OLD;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit_freeze_guard BEFORE DELETE ON "AuditLogs" FOR EACH ROW EXECUTE FUNCTION refuse_delete();
            """)
        let failed = try await F.steward(
            ["runbook", "run", "archive-audit-logs", "--env", "development", "--yes"], token: ops, on: cluster)
        #expect(failed.status == 1)
        #expect(failed.standardError.contains("audit logs are frozen for an investigation"), "\(failed.standardError)")
        #expect(try await F.psql(postgres, #"SELECT count(*) FROM "AuditLogs""#) == "8")
        #expect(try await F.psql(postgres, #"SELECT count(*) FROM "AuditLogs_Archive""#) == "0", "all or nothing")

        _ = try await F.psql(postgres, "UPDATE audit_freeze SET frozen = false")
        let resumed = try await F.steward(
            ["runbook", "run", "archive-audit-logs", "--env", "development", "--from", "move-old-rows", "--yes",
             "--output", "json"],
            token: ops, on: cluster)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let resumedRun = try JSONDecoder().decode(F.Run.self, from: Data(resumed.standardOutput.utf8))
        #expect(resumedRun.step("count-old-rows")?.state == "carried")
        #expect(resumedRun.step("count-old-rows")?.result?.value == "5")
        #expect(resumedRun.step("move-old-rows")?.result?.value == "5")
        #expect(try await F.psql(postgres, #"SELECT count(*) FROM "AuditLogs""#) == "3")
        #expect(try await F.psql(postgres, #"SELECT count(*) FROM "AuditLogs_Archive""#) == "5")

        // The password reached no answer of the API and no event.
        let everything = try await cluster.api("GET", "/events?limit=1000").text + (try await cluster.api("GET", "/runbook-runs").text)
        #expect(!everything.contains(password))
    }

    /// data-aggregator: clear the cache (a gate approved in advance with --yes), check it is empty, scale the backend.
    @Test func dataAggregatorClearCacheAndScale() async throws {
        let password = "redis-canary-\(UInt32.random(in: 0...UInt32.max))"
        let redis = try await RedisServer.start(password: password)
        defer { redis.stop() }
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_CACHE_PASSWORD": password])
        defer { cluster.shutdown() }
        try await F.apply(
            F.stack(
                dependencies: [
                    "cache": "redis://:${secret:CACHE_PASSWORD}@127.0.0.1:\(redis.port)",
                    "db": "postgres://nobody@127.0.0.1:1/none",
                ],
                services: F.service("backend", port: try FreePort.next()), environments: F.environments,
                runbooks: try F.exampleRunbooks("data-aggregator")),
            to: cluster)
        let deploy = try await cluster.api(
            "POST", "/deployments",
            json: try JSONSerialization.data(withJSONObject: ["service": "backend", "environment": "development", "version": "1.0.0"]))
        #expect(deploy.status == 202, "\(deploy.text)")
        try await eventually(timeout: .seconds(30), "backend to serve") {
            try await cluster.agentInstances().filter { $0.ready }.count == 1
        }
        for index in 0..<10 { _ = try await F.redis(redis, ["SET", "cache:pipeline:\(index)", "value"]) }

        let dry = try await F.steward(["runbook", "run", "clear-cache", "--env", "development", "--dry-run"], token: cluster.adminToken, on: cluster)
        #expect(dry.status == 0, "\(dry.standardError)")
        #expect(dry.standardOutput.contains("redis on redis://:••••••@127.0.0.1:\(redis.port): FLUSHDB"), "\(dry.standardOutput)")
        #expect(!dry.standardOutput.contains(password))
        #expect(try await F.redis(redis, ["DBSIZE"]) == "10")

        let ran = try await F.steward(
            ["runbook", "run", "clear-cache", "--env", "development", "--yes"], token: cluster.adminToken, on: cluster)
        #expect(ran.status == 0, "\(ran.standardOutput)\(ran.standardError)\n\(cluster.logs())")
        #expect(ran.standardError.contains("1. size-before: succeeded"))
        #expect(ran.standardError.contains("| 10"))
        #expect(ran.standardError.contains("check-empty: skipped"))
        #expect(try await F.redis(redis, ["DBSIZE"]) == "0")
        try await eventually(timeout: .seconds(30), "backend to run 3 ready instances") {
            try await cluster.agentInstances().filter { $0.ready }.count == 3
        }
        #expect(!(try await cluster.api("GET", "/events?limit=1000").text.contains(password)))
    }

    /// auterity: restart the frontend and the backend, each behind a gate, never below the ready count.
    @Test func auterityEmergencyRestartKeepsEveryoneServing() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let apiPort = try FreePort.next()
        try await F.apply(
            F.stack(
                dependencies: ["db": "postgres://nobody@127.0.0.1:1/none", "cache": "redis://127.0.0.1:1"],
                services: F.service("web", port: try FreePort.next(), instances: 2) + F.service("api", port: apiPort, instances: 2),
                environments: F.environments, runbooks: try F.exampleRunbooks("auterity")),
            to: cluster)
        // The stable port is served by the traffic proxy in a later version; here a demo-app stands in for it.
        let standIn = try cluster.launchExtra(StewardCluster.demoAppBinary, [], environment: ["PORT": "\(apiPort)"])
        try await eventually(timeout: .seconds(20), "the stand-in to answer") {
            (try? await cluster.http.get("http://127.0.0.1:\(apiPort)/api/health/detailed").status) == 200
        }
        for service in ["web", "api"] {
            let answer = try await cluster.api(
                "POST", "/deployments",
                json: try JSONSerialization.data(withJSONObject: ["service": service, "environment": "development", "version": "1.0.0"]))
            #expect(answer.status == 202, "\(answer.text)")
        }
        try await eventually(timeout: .seconds(40), "web and api to serve") {
            try await cluster.agentInstances().filter { $0.ready }.count == 4
        }
        let before = Set(try await cluster.agentInstances().map(\.id))

        let started = try await F.start("emergency-restart", environment: "development", token: cluster.adminToken, on: cluster)
        #expect(started.status == 202, "\(started.text)")
        let id = try started.decode(F.Run.self).id
        var lowest = 4
        var approvedSteps = 0
        while true {
            let run = try await F.run(id, on: cluster)
            if ["succeeded", "failed", "canceled"].contains(run.phase) { break }
            lowest = min(lowest, try await cluster.agentInstances().filter { $0.ready && $0.state == "running" }.count)
            if run.phase == "awaiting-approval" {
                #expect(try await cluster.api("POST", "/runbook-runs/\(id)/approve").status == 202)
                approvedSteps += 1
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(approvedSteps <= 2)
        }
        let run = try await F.run(id, on: cluster)
        #expect(run.phase == "succeeded", "\(run.reason ?? "")\n\(cluster.logs())")
        #expect(run.step("verify")?.result?.status == 200)
        #expect(lowest >= 4, "ready instances never dropped below the count before the restart")
        let after = try await cluster.agentInstances()
        #expect(after.filter { $0.ready }.count == 4)
        #expect(Set(after.map(\.id)).isDisjoint(with: before), "every instance was replaced")
        standIn.kill()
    }

    /// A control plane killed while a step runs finds the step at its next start, records it as interrupted
    /// (never runs it again by itself) and fails the run; `--from` resumes it.
    @Test func aStepInterruptedByACrashIsRecordedAndResumable() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let marker = "\(cluster.directory.path)/ran-after"
        let runbooks = """
            runbooks:
              - name: slow
                steps:
                  - name: wait
                    run: [sh, -c, "sleep 20"]
                  - name: after
                    run: [touch, "\(marker)"]

            """
        let stack = F.stack(
            dependencies: [:], services: F.service("web", port: try FreePort.next()), environments: "  development: {}\n",
            runbooks: runbooks)
        try await F.apply(stack, to: cluster)
        let started = try await F.start("slow", environment: "development", token: cluster.adminToken, on: cluster)
        let id = try started.decode(F.Run.self).id
        try await eventually(timeout: .seconds(10), "the step to run") {
            try await F.run(id, on: cluster).step("wait")?.state == "running"
        }
        cluster.killServer()
        try await cluster.startServer()
        // The run is folded back from the log; the stack file given to `serve` wins at start, so apply ours again.
        try await F.apply(stack, to: cluster)
        let run = try await F.waitFor(id, ["failed", "succeeded"], on: cluster, timeout: .seconds(20))
        #expect(run.phase == "failed")
        #expect(run.step("wait")?.state == "interrupted")
        #expect(run.step("wait")?.result?.error?.contains("--from wait") == true)
        #expect(run.step("after")?.state == "pending")
        #expect(!FileManager.default.fileExists(atPath: marker))

        let again = try await F.start("slow", environment: "development", from: "after", token: cluster.adminToken, on: cluster)
        let resumed = try await F.waitFor(try again.decode(F.Run.self).id, ["failed", "succeeded"], on: cluster)
        #expect(resumed.phase == "succeeded")
        #expect(FileManager.default.fileExists(atPath: marker))
    }
}
