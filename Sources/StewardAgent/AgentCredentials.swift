import Foundation
import StewardHTTP

#if canImport(Glibc)
import Glibc
#endif

/// The agent's bearer token, kept in its state directory (`agent.token`, mode 0600).
///
/// Created on first start; the control plane on the same host reads it from there, a
/// remote control plane is given it by the operator.
public enum AgentCredentials {
    /// The token file of a state directory.
    public static func tokenPath(stateDirectory: String) -> String { stateDirectory + "/agent.token" }

    /// Reads the token, creating it (and the state directory, 0700) on first use.
    ///
    /// - Throws: when the token cannot be written: a token that never reached its file would
    ///   lock the control plane out at the next start.
    public static func loadOrCreate(stateDirectory: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(stateDirectory, 0o700)
        let path = tokenPath(stateDirectory: stateDirectory)
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), !existing.isEmpty {
            chmod(path, 0o600)
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let token = TokenHash.mint()
        let bytes = Array(token.utf8)
        // Created 0600 from the first byte (no window with the default mode), synced before it counts.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        fchmod(descriptor, 0o600)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return token
    }
}
