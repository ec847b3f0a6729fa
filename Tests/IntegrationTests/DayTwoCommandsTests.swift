import Foundation
import StewardTesting
import Testing

/// `steward scale`, `restart`, `stop`/`start` and `down` as an operator runs them: the built CLI
/// against a real `steward serve` and agent running `demo-app` instances.
struct DayTwoCommandsTests {
    /// Runs `steward` against the cluster with a token (the admin's by default).
    static func steward(_ cluster: StewardCluster, _ arguments: [String], token: String? = nil) async throws -> CommandResult {
        try await runCommand(
            StewardCluster.stewardBinary, arguments + ["--server", cluster.serverURL, "--token", token ?? cluster.adminToken],
            timeout: .seconds(120))
    }

    /// `GET /api/v1/status` for one service in one environment, as JSON.
    static func status(_ cluster: StewardCluster, _ service: String, _ environment: String) async throws -> [String: Any]? {
        let answer = try await cluster.api("GET", "/status")
        let object = try JSONSerialization.jsonObject(with: answer.data) as? [String: Any]
        let services = object?["services"] as? [[String: Any]] ?? []
        return services.first { $0["service"] as? String == service && $0["environment"] as? String == environment }
    }

    /// The agent's instances of one service in one environment.
    static func running(_ cluster: StewardCluster, _ service: String, _ environment: String) async throws -> [InstanceView] {
        try await cluster.agentInstances().filter { $0.id.hasPrefix("\(service)-\(environment)-r") }
    }

    /// Scale up, a deploy that keeps the scaled count, a restart sampled all along (ready never
    /// below the count before, every instance new afterwards), scale down, to 0 and back up.
    @Test func scaleAndRestart() async throws {
        // New instances take a while to be ready, so a restart lasts long enough to sample it often.
        let cluster = try await StewardCluster.start(readinessTimeout: "20s", webEnvironment: ["READY_DELAY_MS": "600"])
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        try await cluster.waitForServing(version: "1.0.0", count: 2)

        let up = try await Self.steward(cluster, ["scale", "web", "--env", "development", "3", "--wait"])
        #expect(up.status == 0, "\(up.standardOutput)\(up.standardError)\n\(cluster.logs())")
        #expect(up.standardError.contains("scale r"), "progress is shown: \(up.standardError)")
        try await cluster.waitForServing(version: "1.0.0", count: 3)
        #expect(try await Self.running(cluster, "web", "development").count == 3)
        let scaled = try #require(try await Self.status(cluster, "web", "development"))
        #expect(scaled["desired"] as? Int == 3)
        #expect(scaled["scaled"] as? Int == 3)
        let table = try await Self.steward(cluster, ["status"])
        #expect(table.standardOutput.contains("(scaled to 3)"), "\(table.standardOutput)")

        // The count sticks: a new version deployed afterwards runs 3 instances, not the stack file's 2.
        let deployed = try await cluster.deployAndExpectSuccess(version: "2.0.0")
        #expect(deployed.newInstances.count == 3)
        let before = try await cluster.waitForServing(version: "2.0.0", count: 3)

        // Restart, sampling the agent all along.
        let readyBefore = try await cluster.agentInstances().filter(\.ready).count
        #expect(readyBefore == 3)
        async let restarting = Self.steward(cluster, ["restart", "web", "--env", "development", "--wait"])
        var lowest = readyBefore, samples = 0
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(20), "the restart to replace every instance") {
            let instances = try await cluster.agentInstances()
            let ready = instances.filter(\.ready).count
            lowest = min(lowest, ready)
            samples += 1
            return instances.count == 3 && ready == 3 && instances.allSatisfy { $0.spec.release > deployed.release }
        }
        let restarted = try await restarting
        #expect(restarted.status == 0, "\(restarted.standardOutput)\(restarted.standardError)\n\(cluster.logs())")
        #expect(restarted.standardOutput.contains("succeeded"))
        #expect(lowest >= readyBefore, "ready instances dropped to \(lowest) during the restart (\(samples) samples)")
        #expect(samples >= 2, "the agent was sampled while the restart ran (\(samples) samples)")
        let after = try await cluster.waitForServing(version: "2.0.0", count: 3)
        #expect(Set(after.map(\.id)).isDisjoint(with: before.map(\.id)), "every instance is new")
        #expect(Set(after.compactMap(\.pid)).isDisjoint(with: before.compactMap(\.pid)))
        for pid in before.compactMap(\.pid) { #expect(!ProcTable.isAlive(pid), "old pid \(pid) still runs") }
        #expect(try await cluster.deployment(deployed.id + 1).kind == "restart")

        // Down to 1, JSON for scripts.
        let down = try await Self.steward(cluster, ["scale", "web", "--env", "development", "1", "--wait", "--output", "json"])
        #expect(down.status == 0, "\(down.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(down.standardOutput.utf8)) as? [String: Any]
        #expect(json?["kind"] as? String == "scale")
        #expect(json?["phase"] as? String == "succeeded")
        try await cluster.waitForServing(version: "2.0.0", count: 1)
        // A rollback returns to the release before (the restart's, 3 instances) but keeps the scaled count.
        let rollback = try await cluster.waitUntilFinished(try await cluster.rollback().id)
        #expect(rollback.phase == "succeeded", "\(rollback.reason ?? "")")
        #expect(rollback.newInstances.count == 1)
        try await cluster.waitForServing(version: "2.0.0", count: 1)

        // To 0: nothing runs, the service and its count are remembered; restart and start are refused.
        let zero = try await Self.steward(cluster, ["scale", "web", "--env", "development", "0", "--wait"])
        #expect(zero.status == 0, "\(zero.standardError)")
        try await eventually(timeout: .seconds(20), "web's instances to stop") {
            try await cluster.agentInstances().isEmpty
        }
        #expect(cluster.markedProcesses().isEmpty)
        let idle = try #require(try await Self.status(cluster, "web", "development"))
        #expect(idle["desired"] as? Int == 0)
        #expect(idle["version"] as? String == "2.0.0")
        let noRestart = try await Self.steward(cluster, ["restart", "web", "--env", "development"])
        #expect(noRestart.status == 2)
        #expect(noRestart.standardError.contains("is scaled to 0, so there is nothing to restart"), "\(noRestart.standardError)")
        let noStart = try await Self.steward(cluster, ["start", "web", "--env", "development"])
        #expect(noStart.status == 2)
        #expect(noStart.standardError.contains("is already running"), "\(noStart.standardError)")

        let back = try await Self.steward(cluster, ["scale", "web", "--env", "development", "2", "--wait"])
        #expect(back.status == 0, "\(back.standardError)")
        try await cluster.waitForServing(version: "2.0.0", count: 2)
    }

    /// Refusals: no token (401), a viewer (403), bad counts and unknown names (4xx), a down that is
    /// not confirmed; each with a JSON body or a non-zero exit, and none recording anything.
    @Test func refusalsRecordNothing() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let user = try JSONSerialization.data(withJSONObject: ["name": "vera", "roles": ["viewer"]])
        #expect(try await cluster.api("POST", "/users", json: user).status == 201)
        let issued = try await cluster.api("POST", "/tokens", json: try JSONSerialization.data(withJSONObject: ["user": "vera"]))
        let viewer = try #require((try JSONSerialization.jsonObject(with: issued.data) as? [String: Any])?["token"] as? String)
        let last = try await cluster.api("GET", "/events?limit=1").text

        let requests: [(path: String, body: [String: Any], role: String)] = [
            ("/services/web/restart", ["environment": "development"], "operator"),
            ("/services/web/scale", ["environment": "development", "instances": 3], "operator"),
            ("/services/web/start", ["environment": "development"], "deployer"),
            ("/environments/development/down", ["reason": "test"], "deployer"),
        ]
        for request in requests {
            let body = try JSONSerialization.data(withJSONObject: request.body)
            let anonymous = try await cluster.http.send("POST", cluster.serverURL + "/api/v1" + request.path, json: body)
            #expect(anonymous.status == 401, "\(request.path): \(anonymous.text)")
            #expect(anonymous.text.contains(#""status":401"#), "\(request.path): \(anonymous.text)")
            let refused = try await cluster.api("POST", request.path, json: body, token: viewer)
            #expect(refused.status == 403, "\(request.path): \(refused.text)")
            let error = (try JSONSerialization.jsonObject(with: refused.data) as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["status"] as? Int == 403)
            #expect(
                (error?["message"] as? String)?.contains("needs the role '\(request.role)' in environment 'development'") == true,
                "\(request.path): \(refused.text)")
        }
        for arguments in [
            ["restart", "web", "--env", "development"], ["scale", "web", "--env", "development", "3"],
            ["start", "web", "--env", "development"], ["down", "--env", "development", "--yes"],
        ] {
            let result = try await Self.steward(cluster, arguments, token: viewer)
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("needs the role"), "\(arguments): \(result.standardError)")
        }

        let bad: [(path: String, body: [String: Any], status: Int, message: String)] = [
            ("/services/web/scale", ["environment": "development", "instances": -1], 422, "instances must be from 0 to 256, got -1"),
            ("/services/web/scale", ["environment": "development", "instances": 257], 422, "instances must be from 0 to 256, got 257"),
            ("/services/nope/scale", ["environment": "development", "instances": 1], 404, "unknown service 'nope'; the stack has: web"),
            ("/services/web/restart", ["environment": "nowhere"], 404, "unknown environment 'nowhere'; the stack has: development"),
            ("/services/nope/start", ["environment": "development"], 404, "unknown service 'nope'; the stack has: web"),
            ("/services/web/start", ["environment": "development"], 409, "web/development is already running"),
            ("/environments/nowhere/down", [:], 404, "unknown environment 'nowhere'; the stack has: development"),
        ]
        for request in bad {
            let answer = try await cluster.api("POST", request.path, json: try JSONSerialization.data(withJSONObject: request.body))
            #expect(answer.status == request.status, "\(request.path) \(request.body): \(answer.text)")
            let error = (try JSONSerialization.jsonObject(with: answer.data) as? [String: Any])?["error"] as? [String: Any]
            #expect((error?["message"] as? String)?.hasPrefix(request.message) == true, "\(request.path): \(answer.text)")
        }

        // The CLI checks the count itself (exit 64); down without a terminal to ask on needs --yes (exit 64).
        let tooMany = try await Self.steward(cluster, ["scale", "web", "--env", "development", "257"])
        #expect(tooMany.status == 64)
        #expect(tooMany.standardError.contains("N must be from 0 to 256, got 257"), "\(tooMany.standardError)")
        let unconfirmed = try await Self.steward(cluster, ["down", "--env", "development"])
        #expect(unconfirmed.status == 64)
        #expect(unconfirmed.standardError.contains("stdin is not a terminal to confirm on, so pass --yes"), "\(unconfirmed.standardError)")

        #expect(try await cluster.api("GET", "/events?limit=1").text == last, "nothing was recorded")
        #expect(try await cluster.agentInstances().count == 2)
    }

    /// Stop then start runs the same version again; `down` stops every service of one environment in
    /// one append and leaves the other environment's instances untouched; start brings each back.
    @Test func stopStartAndDown() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let applied = try await cluster.http.send(
            "PUT", cluster.serverURL + "/api/v1/stack", token: cluster.adminToken, body: Data(Self.twoEnvironmentStack.utf8),
            contentType: "application/yaml")
        #expect(applied.status == 200, "\(applied.text)")
        let targets = [("web", "development"), ("worker", "development"), ("web", "staging")]
        var deployments: [Int] = []
        for (service, environment) in targets {
            let body = try JSONSerialization.data(withJSONObject: ["service": service, "environment": environment, "version": "1.0.0"])
            let answer = try await cluster.api("POST", "/deployments", json: body)
            #expect(answer.status == 202, "\(answer.text)")
            deployments.append(try answer.decode(DeploymentView.self).id)
        }
        for id in deployments {
            let finished = try await cluster.waitUntilFinished(id, timeout: .seconds(60))
            #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        }
        try await eventually(timeout: .seconds(20), "three ready instances") {
            let instances = try await cluster.agentInstances()
            return instances.count == 3 && instances.allSatisfy(\.ready)
        }

        // Stop, then start: the same version runs again as a new release.
        let stopped = try await Self.steward(cluster, ["stop", "web", "--env", "development", "--wait"])
        #expect(stopped.status == 0, "\(stopped.standardError)")
        #expect(try await Self.running(cluster, "web", "development").isEmpty)
        let stoppedStatus = try #require(try await Self.status(cluster, "web", "development"))
        #expect(stoppedStatus["stoppedRelease"] as? Int != nil)
        let started = try await Self.steward(cluster, ["start", "web", "--env", "development", "--wait", "--output", "json"])
        #expect(started.status == 0, "\(started.standardError)\n\(cluster.logs())")
        let start = try JSONSerialization.jsonObject(with: Data(started.standardOutput.utf8)) as? [String: Any]
        #expect(start?["kind"] as? String == "start")
        #expect(start?["phase"] as? String == "succeeded")
        try await eventually(timeout: .seconds(20), "web to run in development again") {
            let web = try await Self.running(cluster, "web", "development")
            return web.count == 1 && web.allSatisfy { $0.ready && $0.spec.version == "1.0.0" }
        }
        let again = try await Self.steward(cluster, ["start", "web", "--env", "development"])
        #expect(again.status == 2)
        #expect(again.standardError.contains("web/development is already running"), "\(again.standardError)")

        // Down: development only, one append.
        let staging = try #require(try await Self.running(cluster, "web", "staging").first)
        let lastBefore = try #require(try await cluster.api("GET", "/events?limit=1").decode([EventView].self).first).seq
        let down = try await Self.steward(cluster, ["down", "--env", "development", "--yes", "--wait", "--output", "json"])
        #expect(down.status == 0, "\(down.standardOutput)\(down.standardError)")
        let answer = try JSONSerialization.jsonObject(with: Data(down.standardOutput.utf8)) as? [String: Any]
        let services = (answer?["stopped"] as? [[String: Any]] ?? []).compactMap { $0["service"] as? String }
        #expect(services == ["web", "worker"])
        #expect(try await Self.running(cluster, "web", "development").isEmpty)
        #expect(try await Self.running(cluster, "worker", "development").isEmpty)
        let stillStaging = try await Self.running(cluster, "web", "staging")
        #expect(stillStaging.map(\.id) == [staging.id] && stillStaging.first?.pid == staging.pid, "staging is untouched")
        let stops = try await cluster.events(type: "service.stopped").filter { $0.seq > lastBefore }
        #expect(stops.map(\.subject) == ["service/web/development", "service/worker/development"])
        #expect(stops.count == 2 && stops[1].seq == stops[0].seq + 1, "both stops in one append")

        // Down again: nothing runs there, nothing to do.
        let idle = try await Self.steward(cluster, ["down", "--env", "development", "--yes"])
        #expect(idle.status == 0, "\(idle.standardError)")
        #expect(idle.standardOutput.contains("development: nothing was running"))

        let worker = try await Self.steward(cluster, ["start", "worker", "--env", "development", "--wait"])
        #expect(worker.status == 0, "\(worker.standardError)")
        #expect(try await Self.running(cluster, "worker", "development").count == 1)
    }

    /// Two services in development and `web` in staging, one instance each.
    static var twoEnvironmentStack: String {
        func service(_ name: String, port: Int) -> String {
            """
              \(name):
                command: \(StewardCluster.demoAppBinary)
                port: \(port)
                readiness:
                  http:
                    path: /api/health/readyz
                    expectJSON:
                      status: Ready
                  interval: 1s
                  timeout: 1s
                stopGracePeriod: 2s
                deploy:
                  maxSurge: 1
                  readinessTimeout: 10s
            """
        }
        return """
            version: 1
            stack: itest
            services:
            \(service("web", port: 8080))
            \(service("worker", port: 8081))
            environments:
              development: {}
              staging: {}
            """
    }
}
