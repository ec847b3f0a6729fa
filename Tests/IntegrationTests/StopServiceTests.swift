import Foundation
import StewardTesting
import Testing

/// `steward stop` through a real control plane and agent.
struct StopServiceTests {
    /// A service removed from the stack keeps running until it is stopped, and then its instances go away;
    /// stopping it again, or stopping an unknown one, is a 404 that changes nothing.
    @Test func removedServiceCanBeStopped() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        _ = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let running = try await cluster.waitForServing(version: "1.0.0")
        #expect(running.count == 2)

        // The new stack no longer has `web`: its instances keep serving (no surprise outage).
        let stack = "version: 1\nstack: itest\nservices:\n  other:\n    command: /bin/true\nenvironments:\n  development: {}\n"
        let applied = try await cluster.http.send(
            "PUT", cluster.serverURL + "/api/v1/stack", token: cluster.adminToken, body: Data(stack.utf8),
            contentType: "application/yaml")
        #expect(applied.status == 200, "\(applied.text)")
        #expect(try await cluster.agentInstances().count == 2)

        let body = try JSONSerialization.data(withJSONObject: ["environment": "development", "reason": "retired"])
        let stopped = try await cluster.api("POST", "/services/web/stop", json: body)
        #expect(stopped.status == 202, "\(stopped.text)")
        try await eventually(timeout: .seconds(20), "web's instances to stop") {
            try await cluster.agentInstances().isEmpty
        }
        for pid in running.compactMap(\.pid) {
            #expect(kill(pid, 0) != 0, "process \(pid) is gone")
        }
        let events = try await cluster.events(type: "service.stopped")
        #expect(events.count == 1)

        let before = try await cluster.api("GET", "/events?limit=1").text
        let again = try await cluster.api("POST", "/services/web/stop", json: body)
        #expect(again.status == 404)
        let unknown = try await cluster.api("POST", "/services/nothing/stop", json: body)
        #expect(unknown.status == 404)
        #expect(try await cluster.api("GET", "/events?limit=1").text == before)
    }
}
