import Foundation
import StewardCore
import StewardHTTP
public import StewardStore

/// The first API token, created when the control plane starts on an empty store.
///
/// The token is shown once, written to `DATA_DIR/admin.token` (mode 0600) so the CLI on
/// the same machine finds it, and only its SHA-256 is stored.
public enum AdminToken {
    /// Creates the admin token when the store has none.
    ///
    /// - Returns: the new token, or nil when tokens already exist.
    public static func ensure(log: EventLog, dataDirectory: String) throws -> String? {
        guard try log.tokenCount() == 0 else { return nil }
        let token = TokenHash.mint()
        try log.insertToken(name: "admin", role: "admin", tokenHash: TokenHash.of(token))
        let encoded = try StewardEvent.tokenCreated(name: "admin", role: "admin").encoded()
        try log.append([NewEvent(type: encoded.type, subject: encoded.subject, actor: "steward", time: Date(), payload: encoded.payload)])
        let path = dataDirectory + "/admin.token"
        FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        return token
    }
}
