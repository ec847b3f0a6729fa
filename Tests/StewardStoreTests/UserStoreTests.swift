import Foundation
import GRDB
@testable import StewardStore
import StewardTesting
import Testing

/// Users and their tokens in the store: migration of older stores, removal, revocation, last use.
struct UserStoreTests {
    static func event(_ type: String, _ subject: String) -> NewEvent {
        NewEvent(type: type, subject: subject, actor: "test", time: Date(), payload: Data(#"{"v":1}"#.utf8))
    }

    static let hash = String(repeating: "ab", count: 32)

    /// A store written before users existed: its token becomes the token of a user of the same name and role.
    @Test func migrationMakesEveryOldTokenAUser() throws {
        let directory = try TemporaryDirectory(prefix: "users")
        defer { directory.remove() }
        let path = directory.path + "/steward.db"
        let queue = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(queue, upTo: "v1-settings")
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO tokens (name, role, token_hash, created_at) VALUES ('admin', 'admin', ?, 1000)",
                arguments: [Self.hash])
        }
        try queue.close()
        let log = try EventLog.open(path: path)
        #expect(try log.users().map(\.name) == ["admin"])
        #expect(try log.user(named: "admin")?.roles == ["admin"])
        let token = try #require(try log.token(withHash: Self.hash))
        #expect(token.user == "admin")
        #expect(token.expiresAt == nil && token.revokedAt == nil && token.lastUsedAt == nil)
    }

    /// Removing a user revokes their valid tokens and records the event in the same transaction.
    @Test(arguments: Backend.allCases)
    func removingAUserRevokesTheirTokens(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let log = fixture.log
        try log.addUser(UserRecord(name: "bob", roles: ["viewer"], createdAt: Date()), event: Self.event("user.added", "user/bob"))
        try log.issueToken(
            id: "tok_1", user: "bob", role: "viewer", tokenHash: Self.hash, createdAt: Date(), expiresAt: nil,
            event: Self.event("token.created", "token/tok_1"))
        let before = try log.lastSequence()
        let revoked = try log.removeUser(named: "bob", at: Date()) { _ in Self.event("user.removed", "user/bob") }
        #expect(revoked == ["tok_1"])
        #expect(try log.user(named: "bob") == nil)
        #expect(try log.token(withHash: Self.hash)?.revokedAt != nil)
        #expect(try log.lastSequence() == before + 1)
        #expect(try log.removeUser(named: "bob", at: Date()) { _ in Self.event("user.removed", "user/bob") } == nil)
    }

    /// A token needs an existing user, a name is unique, and a revoked token cannot be revoked again.
    @Test(arguments: Backend.allCases)
    func tokenRulesHold(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let log = fixture.log
        #expect(throws: StoreError.self) {
            try log.issueToken(
                id: "tok_1", user: "nobody", role: "viewer", tokenHash: Self.hash, createdAt: Date(), expiresAt: nil,
                event: Self.event("token.created", "token/tok_1"))
        }
        #expect(try log.lastSequence() == 0, "nothing recorded for a refused token")
        try log.addUser(UserRecord(name: "bob", roles: ["viewer"], createdAt: Date()), event: Self.event("user.added", "user/bob"))
        let taken = #expect(throws: StoreError.self) {
            try log.addUser(UserRecord(name: "bob", roles: ["admin"], createdAt: Date()), event: Self.event("user.added", "user/bob"))
        }
        #expect(taken?.code == .conflict)
        try log.issueToken(
            id: "tok_1", user: "bob", role: "viewer", tokenHash: Self.hash, createdAt: Date(), expiresAt: nil,
            event: Self.event("token.created", "token/tok_1"))
        try log.revokeToken(id: "tok_1", at: Date()) { _ in Self.event("token.revoked", "token/tok_1") }
        let again = #expect(throws: StoreError.self) {
            try log.revokeToken(id: "tok_1", at: Date()) { _ in Self.event("token.revoked", "token/tok_1") }
        }
        #expect(again?.code == .conflict)
        #expect(try log.revokeToken(id: "tok_none", at: Date()) { _ in Self.event("token.revoked", "token/x") } == nil)
    }

    /// Last use is recorded, at most once a minute, and expiry is decided against the given time.
    @Test(arguments: Backend.allCases)
    func lastUseAndExpiry(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let log = fixture.log
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        try log.addUser(UserRecord(name: "bob", roles: ["viewer"], createdAt: start), event: Self.event("user.added", "user/bob"))
        try log.issueToken(
            id: "tok_1", user: "bob", role: "viewer", tokenHash: Self.hash, createdAt: start,
            expiresAt: start.addingTimeInterval(3600), event: Self.event("token.created", "token/tok_1"))
        var token = try #require(try log.token(withHash: Self.hash))
        #expect(token.isValid(at: start.addingTimeInterval(3599)))
        #expect(!token.isValid(at: start.addingTimeInterval(3600)))
        try log.markTokenUsed(token, at: start.addingTimeInterval(10))
        token = try #require(try log.token(withHash: Self.hash))
        #expect(token.lastUsedAt == start.addingTimeInterval(10))
        try log.markTokenUsed(token, at: start.addingTimeInterval(30))
        #expect(try log.token(withHash: Self.hash)?.lastUsedAt == start.addingTimeInterval(10))
    }
}
