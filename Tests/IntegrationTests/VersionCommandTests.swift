import Foundation
import StewardCore
import Testing

/// `steward version` names the binary's version, as text and as JSON.
struct VersionCommandTests {
    static var steward: String { StewardCluster.stewardBinary }

    /// Text output is `steward X.Y.Z`; JSON output has the same version; both exit 0.
    @Test func versionIsPrinted() async throws {
        let text = try await runCommand(Self.steward, ["version"])
        #expect(text.status == 0)
        #expect(text.standardOutput == "steward \(StewardVersion.current)\n")
        let json = try await runCommand(Self.steward, ["version", "--output", "json"])
        #expect(json.status == 0)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.standardOutput.utf8))
        #expect(decoded["version"] == StewardVersion.current)
        let help = try await runCommand(Self.steward, ["--help"])
        #expect(help.standardOutput.contains("  version"))
    }
}
