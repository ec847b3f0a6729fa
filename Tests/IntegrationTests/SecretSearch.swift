import Foundation
import StewardTesting
import Testing

/// Searches a live installation for a secret value that must reach its instance and nothing else.
enum SecretSearch {
    /// The control plane's read answers every canary test searches.
    static let apiPaths = [
        "/status", "/stack", "/services", "/services/web", "/environments", "/releases", "/deployments",
        "/deployments/1", "/instances", "/events?limit=1000", "/audit/verify", "/services/web/logs?environment=development",
    ]

    /// Expects `canary` in the environment of process `pid` (so the search below proves something), then
    /// nowhere else: no answer of the control plane (`apiPaths` + `extraPaths`, /metrics) or of the agent,
    /// no text in `extraAnswers`, no file under the installation, no process's command line.
    ///
    /// - Returns: the answers searched, by name (`serve PATH`, `agent /v1/instances`…), for further checks.
    @discardableResult
    static func expectOnlyInInstance(
        _ canary: String, pid: Int32, cluster: StewardCluster, extraPaths: [String] = [],
        extraAnswers: [String: String] = [:]
    ) async throws -> [String: String] {
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        #expect(String(decoding: environ, as: UTF8.self).contains("=\(canary)"), "the instance received the secret")

        var answers = extraAnswers
        for path in apiPaths + extraPaths {
            let answer = try await cluster.api("GET", path)
            #expect(answer.status == 200, "GET \(path): \(answer.text)")
            answers["serve \(path)"] = answer.text
        }
        answers["serve /metrics"] = try await cluster.http.get(cluster.serverURL + "/metrics").text
        answers["agent /v1/instances"] = try await cluster.http.get(cluster.agentURL + "/v1/instances", token: cluster.agentToken).text
        for (name, text) in answers {
            #expect(!text.contains(canary), "\(name) shows the secret")
        }

        let files = SecurityTests.files(under: cluster.directory.path)
        #expect(files.contains { $0.hasSuffix("/data/steward.db") }, "the store is among the files searched")
        for file in files {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            #expect(data.range(of: Data(canary.utf8)) == nil, "\(file) holds the secret in clear")
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where Int32(entry) != nil {
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline"))) ?? Data()
            #expect(cmdline.range(of: Data(canary.utf8)) == nil, "process \(entry)'s command line holds the secret")
        }
        return answers
    }
}
