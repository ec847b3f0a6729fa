import Foundation
import StewardCore

/// Waits, for `stop --wait` and `down --wait`, until stopped instances are gone from the agent.
struct StoppingFollower {
    let client: APIClient
    let output: OutputFormat

    /// An instance as `GET /api/v1/instances` lists it (only its id is read).
    private struct Instance: Decodable {
        struct Spec: Decodable { var id: String }
        var spec: Spec
    }

    /// Polls the instances of `environment` (and `service`, when given) until none of `ids` is left.
    ///
    /// - Throws: ``CLIError/failed(_:)`` (exit 1) when some are still there after `timeout` seconds.
    func waitUntilGone(_ ids: [String], environment: String, service: String? = nil, timeout: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var query = "environment=\(environment.urlQueryEncoded)"
        if let service { query += "&service=\(service.urlQueryEncoded)" }
        let wanted = Set(ids)
        var last = ""
        while true {
            let listed = try await client.send("GET", "/api/v1/instances?\(query)")
            let left = try JSONDecoder.steward.decode([Instance].self, from: listed).map(\.spec.id).filter(wanted.contains)
            if left.isEmpty { return }
            let line = "stopping: \(left.sorted().joined(separator: ", "))"
            if output == .text, line != last {
                printError(line)
                last = line
            }
            guard ContinuousClock.now < deadline else {
                throw CLIError.failed("\(left.count) instance(s) still running after \(timeout)s")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
