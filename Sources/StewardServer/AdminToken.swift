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
    /// The token reaches its file (0600, fsynced) before it is recorded: if writing the file
    /// fails nothing is recorded and the next start tries again, so a failed write never
    /// locks the admin out.
    /// - Returns: the new token, or nil when tokens already exist.
    public static func ensure(log: EventLog, dataDirectory: String) throws -> String? {
        guard try log.tokenCount() == 0 else { return nil }
        let token = TokenHash.mint()
        try PrivateFiles.write(Data(token.utf8), to: dataDirectory + "/admin.token")
        try log.insertToken(name: "admin", role: "admin", tokenHash: TokenHash.of(token))
        let encoded = try StewardEvent.tokenCreated(name: "admin", role: "admin").encoded()
        try log.append([NewEvent(type: encoded.type, subject: encoded.subject, actor: "steward", time: Date(), payload: encoded.payload)])
        return token
    }
}
