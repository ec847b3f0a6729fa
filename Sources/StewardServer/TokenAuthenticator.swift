import Foundation
import StewardHTTP
import StewardStore

/// Turns a presented token's hash into the caller it authenticates: the token's user and roles.
///
/// A token authenticates when it is stored, its stored hash equals the presented one (compared in
/// constant time), it is neither revoked nor expired, and its user still exists. A token stored
/// without a user (before users existed) acts as a user of its own name with its own role.
/// Each use is recorded as the token's last-used time (to the minute).
struct TokenAuthenticator: Sendable {
    let log: EventLog
    let now: @Sendable () -> Date

    init(log: EventLog, now: @escaping @Sendable () -> Date = { Date() }) {
        self.log = log
        self.now = now
    }

    /// The caller for a token hash, or nil when the token does not authenticate.
    func caller(forHash hash: String) throws -> Caller? {
        guard let (token, user) = try log.tokenAndUser(withHash: hash), TokenHash.constantTimeEquals(token.tokenHash, hash)
        else {
            return nil
        }
        let time = now()
        guard token.isValid(at: time) else { return nil }
        let roles: [String]
        if let user {
            roles = user.roles
        } else if token.user == nil {
            roles = token.role.split(separator: ",").map(String.init)
        } else {
            return nil  // the user was removed
        }
        try log.markTokenUsed(token, at: time)
        return Caller(name: token.userName, grants: roles.compactMap(RoleGrant.init))
    }
}
