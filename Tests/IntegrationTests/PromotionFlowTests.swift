import Foundation
import StewardTesting
import Testing

/// Approvals, a closed window and a promotion through the CLI, against a real agent, control plane and demo-app.
struct PromotionFlowTests {
    private var steward: String { StewardCluster.stewardBinary }

    /// A window that is closed now: one minute at midnight UTC, on the day after tomorrow.
    static func closedWindow() -> String {
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.component(.weekday, from: Date())
        return "\(names[(today + 1) % 7]) 00:00-00:01 UTC"
    }

    private func run(_ cluster: StewardCluster, _ arguments: [String], token: String) async throws -> CommandResult {
        try await runCommand(steward, arguments + ["--server", cluster.serverURL, "--token", token])
    }

    /// development needs one approval (not the requester's); production's window is closed, so a promotion
    /// waits in awaiting-window until aborted, and runs at once with --override-window --reason (recorded).
    @Test func approveThenPromoteThroughAClosedWindow() async throws {
        let environments = """
              development:
                instances: {web: 1}
                approvals: 1
                promotesTo: production
                minimumHealthyTime: 1s
              production:
                instances: {web: 1}
                window: \(Self.closedWindow())
            """
        let cluster = try await StewardCluster.start(environments: environments)
        defer { cluster.shutdown() }
        let admin = cluster.adminToken
        #expect(try await run(cluster, ["user", "add", "ann", "--role", "approver"], token: admin).status == 0)
        let created = try await run(cluster, ["token", "create", "--user", "ann"], token: admin)
        let ann = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)

        let deploy = try await run(cluster, ["deploy", "web", "1.0.0", "--env", "development", "--output", "json"], token: admin)
        #expect(deploy.status == 0, "\(deploy.standardError)")
        let held = try #require(JSONSerialization.jsonObject(with: Data(deploy.standardOutput.utf8)) as? [String: Any])
        #expect(held["phase"] as? String == "awaiting-approval")
        let id = try #require(held["id"] as? Int)

        let own = try await run(cluster, ["approve", "\(id)"], token: admin)
        #expect(own.status == 2)
        #expect(own.standardError.contains("requested deployment \(id) and cannot approve it"), "\(own.standardError)")
        let approved = try await run(cluster, ["approve", "\(id)"], token: ann)
        #expect(approved.status == 0, "\(approved.standardError)")
        #expect(approved.standardOutput.hasPrefix("deployment \(id) approved: "))
        let finished = try await cluster.waitUntilFinished(id)
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")

        // Healthy for a second in development, then promoted: production's window holds it.
        var promoted: [String: Any] = [:]
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(250), "the promotion to be accepted") {
            let result = try await run(
                cluster, ["promote", "web", "--from", "development", "--to", "production", "--output", "json"], token: admin)
            guard result.status == 0 else {
                #expect(result.standardError.contains("has been healthy for") || result.standardError.contains("not healthy now"))
                return false
            }
            promoted = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any] ?? [:]
            return true
        }
        #expect(promoted["phase"] as? String == "awaiting-window")
        #expect((promoted["promotedFrom"] as? [String: Any])?["environment"] as? String == "development")
        let waiting = try #require(promoted["id"] as? Int)
        let aborted = try await run(cluster, ["abort", "\(waiting)", "--reason", "not in this window"], token: admin)
        #expect(aborted.status == 0, "\(aborted.standardError)")
        #expect(try await cluster.deployment(waiting).phase == "failed")

        let overridden = try await run(
            cluster,
            ["promote", "web", "--from", "development", "--to", "production", "--override-window", "--reason", "hotfix",
             "--wait", "--timeout", "60"],
            token: admin)
        #expect(overridden.status == 0, "\(overridden.standardOutput)\(overridden.standardError)\n\(cluster.logs())")
        let events = try await cluster.api("GET", "/events?type=deployment.created")
        #expect(events.text.contains("hotfix"), "the override and its reason are recorded: \(events.text)")
    }
}
