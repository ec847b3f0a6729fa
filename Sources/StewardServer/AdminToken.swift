import Foundation
import StewardCore
import StewardHTTP
public import StewardStore

/// The first API token, created when the control plane starts on an empty store: the token of
/// the user `admin`, who holds the role `admin` in every environment.
///
/// The token is shown once, written to `DATA_DIR/admin.token` (mode 0600) so the CLI on
/// the same machine finds it, and only its SHA-256 is stored. A store from before users
/// existed already has it: its migration made that token user `admin`'s.
public enum AdminToken {
    /// Creates the user `admin` and their token when the store has no token.
    ///
    /// The token reaches its file (0600, fsynced) before it is recorded: if writing the file
    /// fails nothing is recorded and the next start tries again, so a failed write never
    /// locks the admin out.
    /// - Returns: the new token, or nil when tokens already exist.
    public static func ensure(log: EventLog, dataDirectory: String, now: Date = Date()) throws -> String? {
        guard try log.tokenCount() == 0 else { return nil }
        let token = TokenHash.mint()
        try PrivateFiles.write(Data(token.utf8), to: dataDirectory + "/admin.token")
        if try log.user(named: "admin") == nil {
            let user = UserRecord(name: "admin", roles: [Role.admin.rawValue], createdAt: now)
            let added = try APIRoutes.newEvent(.userAdded(UserAdded(user: "admin", roles: user.roles)), actor: "steward", time: now)
            try log.addUser(user, event: added)
        }
        let created = try APIRoutes.newEvent(
            .tokenIssued(TokenIssued(id: "admin", role: "admin", user: "admin", expires: nil)), actor: "steward", time: now)
        try log.issueToken(
            id: "admin", user: "admin", role: "admin", tokenHash: TokenHash.of(token), createdAt: now, expiresAt: nil,
            event: created)
        return token
    }
}
