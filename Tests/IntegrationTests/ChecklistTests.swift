import Foundation
import StewardTesting
import Testing

/// The pre-deployment checklist against a real control plane and agent: required variables,
/// a required dependency, and `preDeploy` commands, all before any instance starts.
@Suite struct ChecklistTests {
    /// The cluster's stack with a required PostgreSQL dependency at `databasePort`, `API_KEY`
    /// required in development (and set when `apiKey` is given), and a preDeploy command that
    /// writes `marker`.
    static func stack(databasePort: Int, required: Bool, apiKey: String?, marker: String) -> String {
        var text = StewardCluster.stackYAML(
            readinessTimeout: "10s",
            deploy: """
                      strategy: rolling
                      maxSurge: 1
                      readinessTimeout: 10s
                      preDeploy:
                        - ["python3", "-c", "open('\(marker)', 'a').write('ran\\\\n')"]
                """)
        text = text.replacingOccurrences(of: "services:\n", with: """
            dependencies:
              db:
                type: postgres
                url: postgres://app@127.0.0.1:\(databasePort)/app
                required: \(required)
            services:

            """)
        let env = apiKey.map { "\n    env:\n      API_KEY: \($0)" } ?? ""
        return text.replacingOccurrences(of: "  development:\n", with: "  development:\n    requiredEnv: [API_KEY]\(env)\n")
    }

    func apply(_ stack: String, to cluster: StewardCluster) async throws {
        let applied = try await cluster.http.send(
            "PUT", cluster.serverURL + "/api/v1/stack", token: cluster.adminToken, body: Data(stack.utf8),
            contentType: "application/yaml")
        #expect(applied.status == 200, "\(applied.text)")
    }

    /// A missing variable and an unreachable database fail the deployment with both listed; the
    /// preDeploy command does not run and no instance starts. Fixed, the same deployment runs its
    /// preDeploy command first, then starts.
    @Test func aFailingChecklistStartsNothingAndListsEveryItem() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let marker = cluster.directory.path + "/predeploy.marker"
        let closedPort = try FreePort.next()
        try await apply(Self.stack(databasePort: closedPort, required: true, apiKey: nil, marker: marker), to: cluster)

        let refused = try await cluster.deploy(version: "1.0.0")
        let failed = try await cluster.waitUntilFinished(refused.id, timeout: .seconds(30))
        #expect(failed.phase == "failed")
        let reason = failed.reason ?? ""
        #expect(reason.contains("required variable API_KEY is not set for web in development"), "\(reason)")
        #expect(reason.contains("dependency db is not reachable"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: marker), "preDeploy ran although the checklist had failed")
        #expect(try await cluster.agentInstances().isEmpty, "an instance started before the checklist passed")
        let checked = try await cluster.events(type: "deployment.checked")
        #expect(checked.count == 1)

        try await apply(Self.stack(databasePort: closedPort, required: false, apiKey: "k-123", marker: marker), to: cluster)
        let second = try await cluster.deploy(version: "1.0.1")
        let succeeded = try await cluster.waitUntilFinished(second.id, timeout: .seconds(60))
        #expect(succeeded.phase == "succeeded", "\(succeeded.reason ?? "")\n\(cluster.logs())")
        #expect((try? String(contentsOfFile: marker, encoding: .utf8)) == "ran\n")
        // The checklist's step was recorded before the first instance of the release was ready.
        let subject = "deployment/\(second.id)"
        let checkedSeq = try #require(try await cluster.events(type: "deployment.checked").first { $0.subject == subject }?.seq)
        let readySeq = try #require(try await cluster.events(type: "deployment.instance-ready").first { $0.subject == subject }?.seq)
        #expect(checkedSeq < readySeq)
    }
}
