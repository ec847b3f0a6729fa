import Foundation
import StewardHTTP

/// The agent's bearer token, kept in its state directory (`agent.token`, mode 0600).
///
/// Created on first start; the control plane on the same host reads it from there, a
/// remote control plane is given it by the operator.
public enum AgentCredentials {
    /// The token file of a state directory.
    public static func tokenPath(stateDirectory: String) -> String { stateDirectory + "/agent.token" }

    /// Reads the token, creating it on first use.
    public static func loadOrCreate(stateDirectory: String) throws -> String {
        let path = tokenPath(stateDirectory: stateDirectory)
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), !existing.isEmpty {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let token = TokenHash.mint()
        FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        return token
    }
}
