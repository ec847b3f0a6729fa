import Foundation
import StewardTesting
import Testing

/// `steward user` and `steward token` against a real control plane: each role tried as a new user
/// would, what they may and may not do, and the error a refused one gets.
struct UserCommandTests {
    private var steward: String { StewardCluster.stewardBinary }

    /// Runs `steward` with the cluster's URL and a token.
    private func run(_ cluster: StewardCluster, _ arguments: [String], token: String) async throws -> CommandResult {
        try await runCommand(steward, arguments + ["--server", cluster.serverURL, "--token", token])
    }

    /// The admin adds a user of each role and gives each a token; every role reads, only a deployer or above
    /// deploys, only an admin manages users; refusals exit 2 naming the role and environment needed.
    @Test func eachRoleFromTheCommandLine() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let admin = cluster.adminToken

        var tokens: [String: String] = [:]
        for role in ["viewer", "deployer", "approver", "operator", "admin"] {
            let added = try await run(cluster, ["user", "add", "\(role)-user", "--role", role], token: admin)
            #expect(added.status == 0, "\(added.standardOutput)\(added.standardError)")
            #expect(added.standardOutput == "added user \(role)-user: \(role)\n")
            let created = try await run(cluster, ["token", "create", "--user", "\(role)-user", "--expires", "30d"], token: admin)
            #expect(created.status == 0, "\(created.standardError)")
            #expect(created.standardError.contains("it is shown only now"))
            tokens[role] = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(tokens[role]?.hasPrefix("stw_") == true)
        }

        for (role, token) in tokens {
            let status = try await run(cluster, ["status"], token: token)
            #expect(status.status == 0, "\(role) reads: \(status.standardError)")
            let users = try await run(cluster, ["user", "list"], token: token)
            if role == "admin" {
                #expect(users.status == 0)
                #expect(users.standardOutput.contains("deployer-user"))
            } else {
                #expect(users.status == 2, "\(role): \(users.standardOutput)")
                #expect(
                    users.standardError
                        == "error: GET /api/v1/users needs the role 'admin' in every environment; user '\(role)-user' has '\(role)' in every environment (HTTP 403)\n")
            }
        }

        let viewer = try await run(cluster, ["deploy", "web", "--env", "development", "--version", "1.0.0"], token: tokens["viewer"]!)
        #expect(viewer.status == 2)
        #expect(
            viewer.standardError
                == "error: POST /api/v1/deployments needs the role 'deployer' in environment 'development'; user 'viewer-user' has 'viewer' there (HTTP 403)\n")

        let deployer = try await run(
            cluster, ["deploy", "web", "--env", "development", "--version", "1.0.0", "--wait"], token: tokens["deployer"]!)
        #expect(deployer.status == 0, "\(deployer.standardOutput)\(deployer.standardError)")
        let events = try await cluster.api("GET", "/events?type=deployment.created")
        #expect(events.text.contains("\"actor\":\"deployer-user\""), "the event names the user: \(events.text)")
    }

    /// A token can be listed (never its value), revoked, and a removed user's tokens stop working: both 401.
    @Test func revokedAndRemovedTokensStopWorking() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let admin = cluster.adminToken
        #expect(try await run(cluster, ["user", "add", "bob", "--role", "deployer@development", "--role", "viewer"], token: admin).status == 0)
        let first = try await run(cluster, ["token", "create", "--user", "bob"], token: admin)
        let second = try await run(cluster, ["token", "create", "--user", "bob"], token: admin)
        let (one, two) = (first.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines),
                          second.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try await run(cluster, ["status"], token: one).status == 0)

        let listed = try await run(cluster, ["token", "list", "--output", "json"], token: admin)
        #expect(listed.status == 0)
        #expect(!listed.standardOutput.contains(one) && !listed.standardOutput.contains(two), "token values are never shown again")
        let rows = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]] ?? []
        let bobs = rows.filter { $0["user"] as? String == "bob" }
        #expect(bobs.count == 2)
        #expect(bobs.contains { $0["lastUsedAt"] != nil }, "the used token shows its last use")
        let firstID = try #require(first.standardError.split(separator: " ").dropFirst().first.map(String.init))

        let revoked = try await run(cluster, ["token", "revoke", firstID], token: admin)
        #expect(revoked.status == 0, "\(revoked.standardError)")
        #expect(revoked.standardOutput == "revoked token \(firstID) of bob\n")
        let refused = try await run(cluster, ["status"], token: one)
        #expect(refused.status == 2)
        #expect(refused.standardError == "error: invalid token (HTTP 401)\n")
        #expect(try await run(cluster, ["status"], token: two).status == 0)

        let removed = try await run(cluster, ["user", "remove", "bob"], token: admin)
        #expect(removed.status == 0, "\(removed.standardError)")
        #expect(removed.standardOutput.hasPrefix("removed user bob (revoked tok_"))
        #expect(try await run(cluster, ["status"], token: two).status == 2)

        let badRole = try await runCommand(steward, ["user", "add", "carl", "--role", "superuser"])
        #expect(badRole.status == 64)
        #expect(badRole.standardError.contains("--role 'superuser' is not ROLE or ROLE@ENV"))
        let badExpiry = try await runCommand(steward, ["token", "create", "--user", "carl", "--expires", "soon"])
        #expect(badExpiry.status == 64)
        #expect(badExpiry.standardError.contains("--expires 'soon' is not a lifetime"))
    }

    /// Each role runs the operating commands from the command line: what it may do succeeds, what it may not
    /// exits 2 with the role and environment it lacks. Deployers stop and start, operators restart, scale and
    /// run runbooks, approvers approve a step another person's run waits for; secrets are the operator's.
    @Test func eachRoleOperatesAsItMay() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let admin = cluster.adminToken
        let runbooks = """
            runbooks:
              - name: checked-restart
                steps:
                  - name: approve
                    confirm: true
                  - name: restart
                    restart: web

            """
        try await RunbookFixture.apply(StewardCluster.stackYAML(readinessTimeout: "5s") + "\n" + runbooks, to: cluster)
        var tokens: [String: String] = [:]
        for role in ["viewer", "deployer", "approver", "operator"] {
            #expect(try await run(cluster, ["user", "add", role, "--role", role], token: admin).status == 0)
            tokens[role] = try await run(cluster, ["token", "create", "--user", role], token: admin)
                .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func expectRefused(_ role: String, _ arguments: [String], route: String, needs: String, in scope: String = "environment 'development'")
            async throws
        {
            let result = try await run(cluster, arguments, token: tokens[role]!)
            #expect(result.status == 2, "\(role) \(arguments): \(result.standardOutput)")
            let held = scope.hasPrefix("every") ? "in every environment" : "there"
            #expect(
                result.standardError
                    == "error: \(route) needs the role '\(needs)' in \(scope); user '\(role)' has '\(role)' \(held) (HTTP 403)\n",
                "\(role) \(arguments)")
        }

        #expect(try await run(cluster, ["deploy", "web", "--env", "development", "--version", "1.0.0", "--wait"], token: tokens["deployer"]!).status == 0)
        try await expectRefused(
            "viewer", ["stop", "web", "--env", "development"], route: "POST /api/v1/services/{name}/stop", needs: "deployer")
        try await expectRefused(
            "deployer", ["restart", "web", "--env", "development"], route: "POST /api/v1/services/{name}/restart", needs: "operator")
        try await expectRefused(
            "approver", ["scale", "web", "--env", "development", "3"], route: "POST /api/v1/services/{name}/scale", needs: "operator")
        try await expectRefused(
            "deployer", ["runbook", "run", "checked-restart", "--env", "development", "--detach"],
            route: "POST /api/v1/runbooks/{name}/runs", needs: "operator")
        try await expectRefused("approver", ["secret", "list"], route: "GET /api/v1/secrets", needs: "operator", in: "every environment")

        let stop = try await run(cluster, ["stop", "web", "--env", "development", "--wait"], token: tokens["deployer"]!)
        #expect(stop.status == 0, "\(stop.standardError)")
        let start = try await run(cluster, ["start", "web", "--env", "development", "--wait"], token: tokens["deployer"]!)
        #expect(start.status == 0, "\(start.standardError)")
        let scale = try await run(cluster, ["scale", "web", "--env", "development", "3", "--wait"], token: tokens["operator"]!)
        #expect(scale.status == 0, "\(scale.standardError)")
        #expect(try await cluster.agentInstances().filter(\.ready).count == 3)

        // Everyone may read the runbooks; the operator starts one, the approver (not a viewer) approves its gate.
        let listed = try await run(cluster, ["runbook", "list"], token: tokens["viewer"]!)
        #expect(listed.status == 0)
        #expect(listed.standardOutput.contains("checked-restart  (2 steps; all environments)"))
        let started = try await run(
            cluster, ["runbook", "run", "checked-restart", "--env", "development", "--detach", "--output", "json"],
            token: tokens["operator"]!)
        #expect(started.status == 0, "\(started.standardError)")
        let waiting = try JSONDecoder().decode(RunbookFixture.Run.self, from: Data(started.standardOutput.utf8))
        _ = try await RunbookFixture.waitFor(waiting.id, ["awaiting-approval"], on: cluster)
        try await expectRefused(
            "viewer", ["runbook", "approve", "\(waiting.id)"], route: "POST /api/v1/runbook-runs/{id}/approve", needs: "approver")
        let approved = try await run(cluster, ["runbook", "approve", "\(waiting.id)"], token: tokens["approver"]!)
        #expect(approved.status == 0, "\(approved.standardError)")
        let finished = try await RunbookFixture.waitFor(waiting.id, ["succeeded", "failed"], on: cluster)
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")")
        #expect(finished.step("approve")?.approvals == ["approver"])
        let shown = try await run(cluster, ["runbook", "runs", "\(waiting.id)"], token: tokens["viewer"]!)
        #expect(shown.standardOutput.contains("2. restart: succeeded — restart web"), "\(shown.standardOutput)")
    }
}
