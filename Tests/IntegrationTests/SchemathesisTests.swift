import Foundation
import StewardTesting
import Testing

/// Schemathesis (PyPI) generates requests from the served OpenAPI document and checks every
/// answer against it: documented statuses and content types, schemas, 405 with `Allow`,
/// 401 without a token, 4xx for invalid data, and no 5xx.
struct SchemathesisTests {
    /// The schemathesis configuration: 422 is how the API refuses a well-formed request it
    /// cannot carry out (a stack file that does not validate, nothing to roll back to), so a
    /// schema-valid request may get it.
    static let configuration = """
        [checks.positive_data_acceptance]
        expected-statuses = ["2xx", "401", "404", "409", "422"]
        """

    /// The live control plane passes every schemathesis check with no failure.
    @Test func liveServerConformsToItsDocument() async throws {
        let executable = try #require(
            Self.lookUp("schemathesis"), "schemathesis is not installed (.ci/run installs it: pip install schemathesis)")
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let configPath = cluster.directory.path + "/schemathesis.toml"
        try Self.configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
        let result = try await runCommand(
            executable,
            [
                "--config-file", configPath, "run", cluster.serverURL + "/api/v1/openapi.json",
                "-H", "Authorization: Bearer \(cluster.adminToken)", "--checks", "all", "--max-examples", "30",
                "--workers", "1", "--max-failures", "20",
            ],
            environment: ["NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"], timeout: .seconds(240))
        #expect(result.status == 0, "schemathesis found failures:\n\(result.standardOutput.suffix(8000))\n\(result.standardError.suffix(2000))")
        #expect(result.standardOutput.contains("passed"))
    }

    /// The first executable named `name` on PATH.
    static func lookUp(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
