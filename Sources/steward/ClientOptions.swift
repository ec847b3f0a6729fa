import ArgumentParser
import Foundation

/// How a command reaches the control plane and prints its answer; shared by every client command.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Control plane URL (env STEWARD_URL).")
    var server: String = ProcessInfo.processInfo.environment["STEWARD_URL"] ?? "http://127.0.0.1:7070"

    @Option(name: .long, help: "API token (env STEWARD_TOKEN; default: DATA_DIR/admin.token).")
    var token: String?

    @Option(name: .long, help: "Where a local control plane keeps its data (for the token file).")
    var dataDir: String = ProcessInfo.processInfo.environment["STEWARD_DATA_DIR"] ?? ".steward"

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    /// The token from the flag, the environment or the local token file.
    func resolvedToken() -> String? {
        if let token { return token }
        if let token = ProcessInfo.processInfo.environment["STEWARD_TOKEN"], !token.isEmpty { return token }
        return (try? String(contentsOfFile: dataDir + "/admin.token", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func client() -> APIClient { APIClient(baseURL: server, token: resolvedToken()) }
}

/// Text for people, JSON for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
