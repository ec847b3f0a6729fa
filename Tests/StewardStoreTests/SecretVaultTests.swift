import Foundation
import StewardCore
import StewardStore
import Testing

/// The secrets vault: versions, environments, events, and values that never rest in clear text.
struct SecretVaultTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func vault(_ fixture: StoreFixture, key: VaultKey = .generate()) -> SecretVault {
        SecretVault(log: fixture.log, key: key)
    }

    /// The payloads of the log's secret events, in order, as text.
    static func secretEvents(_ log: EventLog) throws -> [(type: String, subject: String, payload: String)] {
        try log.allEvents().filter { $0.type.hasPrefix("secret.") }
            .map { ($0.type, $0.subject, String(decoding: $0.payload, as: UTF8.self)) }
    }

    /// Each set or rotate adds a version and the newest is the one read; every change is an event
    /// naming the version, and the log still verifies.
    @Test(arguments: Backend.allCases)
    func versionsCountUpAndTheNewestIsRead(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        let first = try vault.set("JWT_KEY", environment: nil, value: "one", actor: "alice", time: Self.t0)
        #expect(first.info == SecretInfo(name: "JWT_KEY", environment: nil, version: 1, versions: 1, setBy: "alice", setAt: Self.t0))
        try vault.set("JWT_KEY", environment: nil, value: "two", actor: "bob")
        let rotated = try vault.rotate("JWT_KEY", environment: nil, value: "three", actor: "carol", time: Self.t0)
        #expect(rotated.info.version == 3)
        #expect(rotated.info.versions == 3)
        #expect(rotated.info.setBy == "carol")
        #expect(try vault.value(of: "JWT_KEY", environment: nil) == "three")
        #expect(try vault.list() == [rotated.info])

        let events = try Self.secretEvents(fixture.log)
        #expect(events.map(\.type) == ["secret.set", "secret.set", "secret.rotated"])
        #expect(events.map(\.subject) == ["secret/JWT_KEY", "secret/JWT_KEY", "secret/JWT_KEY"])
        #expect(events.last?.payload == #"{"name":"JWT_KEY","v":1,"version":3}"#)
        #expect(rotated.event.seq == (try fixture.log.lastSequence()))
        #expect(try fixture.log.verify().isIntact)
    }

    /// An environment's own value wins over the every-environment value, which every other
    /// environment reads; removing the own value falls back again.
    @Test(arguments: Backend.allCases)
    func anEnvironmentsOwnValueWinsThenTheSharedOne(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        try vault.set("DB_PASSWORD", environment: nil, value: "shared", actor: "alice")
        try vault.set("DB_PASSWORD", environment: "staging", value: "staging-only", actor: "alice")
        try vault.set("API_KEY", environment: "production", value: "prod-key", actor: "alice")

        #expect(try vault.resolve("DB_PASSWORD", in: "staging") == "staging-only")
        #expect(try vault.resolve("DB_PASSWORD", in: "production") == "shared")
        #expect(try vault.resolve("DB_PASSWORD", in: nil) == "shared")
        #expect(try vault.resolve("API_KEY", in: "staging") == nil)
        #expect(try vault.resolve("API_KEY", in: "production") == "prod-key")
        #expect(try vault.resolve("MISSING", in: "production") == nil)

        #expect(try vault.list().map { "\($0.name)/\($0.environment ?? "*")" } == ["API_KEY/production", "DB_PASSWORD/*", "DB_PASSWORD/staging"])
        #expect(try vault.list(environment: "staging").map { "\($0.name)/\($0.environment ?? "*")" } == ["DB_PASSWORD/staging"])
        #expect(try vault.list(environment: "production").map { "\($0.name)/\($0.environment ?? "*")" } == ["API_KEY/production", "DB_PASSWORD/*"])

        let removed = try vault.remove("DB_PASSWORD", environment: "staging", actor: "bob")
        #expect(removed.info.environment == "staging")
        #expect(try vault.resolve("DB_PASSWORD", in: "staging") == "shared")
        let last = try #require(try Self.secretEvents(fixture.log).last)
        #expect(last.type == "secret.removed")
        #expect(last.subject == "secret/DB_PASSWORD/staging")
        #expect(last.payload == #"{"environment":"staging","name":"DB_PASSWORD","v":1,"version":1}"#)
    }

    /// Removing deletes every version of the scope, and the next set starts again at version 1.
    @Test(arguments: Backend.allCases)
    func removeDeletesEveryVersion(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        try vault.set("TOKEN", environment: nil, value: "a", actor: "alice")
        try vault.rotate("TOKEN", environment: nil, value: "b", actor: "alice")
        let removed = try vault.remove("TOKEN", environment: nil, actor: "alice")
        #expect(removed.info.version == 2)
        #expect(removed.info.versions == 2)
        #expect(try vault.value(of: "TOKEN", environment: nil) == nil)
        #expect(try vault.list().isEmpty)
        #expect(try vault.set("TOKEN", environment: nil, value: "c", actor: "alice").info.version == 1)
    }

    /// Rotating or removing what does not exist is `.notFound`, and nothing is stored or recorded.
    @Test(arguments: Backend.allCases)
    func unknownSecretsAreNotFound(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        try vault.set("KNOWN", environment: "staging", value: "x", actor: "alice")
        let before = try fixture.log.lastSequence()
        let rotate = #expect(throws: VaultError.self) { try vault.rotate("KNOWN", environment: nil, value: "y", actor: "a") }
        #expect(rotate?.code == .notFound)
        #expect(rotate?.message == "no secret KNOWN for every environment")
        let remove = #expect(throws: VaultError.self) { try vault.remove("OTHER", environment: "staging", actor: "a") }
        #expect(remove?.code == .notFound)
        #expect(remove?.message == "no secret OTHER for environment staging")
        #expect(try fixture.log.lastSequence() == before)
        #expect(try vault.value(of: "KNOWN", environment: nil) == nil)
    }

    /// Bad names, environments and values are refused with a message that never quotes the value.
    @Test(arguments: Backend.allCases)
    func badInputIsRefusedAndChangesNothing(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        let before = try fixture.log.lastSequence()
        let longName = String(repeating: "A", count: 129)
        for name in ["", "db_password", "1ST", "A-B", "A B", "É", longName] {
            let error = #expect(throws: VaultError.self, "\(name)") { try vault.set(name, environment: nil, value: "v", actor: "a") }
            #expect(error?.code == .invalidName)
        }
        #expect(try vault.set(String(repeating: "A", count: 128), environment: nil, value: "v", actor: "a").info.version == 1)
        for environment in ["", "a/b", "line\nbreak"] {
            let error = #expect(throws: VaultError.self) { try vault.set("X", environment: environment, value: "v", actor: "a") }
            #expect(error?.code == .invalidEnvironment)
        }
        let tooLong = String(repeating: "s", count: 64 * 1024 + 1)
        for value in ["", "nul\u{0}byte", tooLong] {
            let error = #expect(throws: VaultError.self) { try vault.set("X", environment: nil, value: value, actor: "a") }
            #expect(error?.code == .invalidValue)
            #expect(error.map { !$0.message.contains("nul") && !$0.message.contains("sss") } == true)
        }
        #expect(try vault.set("X", environment: nil, value: String(repeating: "s", count: 64 * 1024), actor: "a").info.version == 1)
        #expect(try fixture.log.lastSequence() == before + 2)
    }

    /// A vault opened with another key refuses to decrypt, saying which keys differ and where to
    /// find the right one; ``SecretVault/checkKey()`` reports it without decrypting anything.
    @Test(arguments: Backend.allCases)
    func aWrongKeyFailsWithAClearError(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let right = VaultKey.generate()
        try Self.vault(fixture, key: right).set("DB_PASSWORD", environment: "production", value: "hunter2", actor: "alice")
        let wrong = Self.vault(fixture, key: .generate())
        let error = #expect(throws: VaultError.self) { try wrong.resolve("DB_PASSWORD", in: "production") }
        #expect(error?.code == .wrongKey)
        #expect(error?.message.contains("secret DB_PASSWORD (production) version 1 was sealed under vault key \(right.id)") == true)
        #expect(error?.message.contains("vault.key or STEWARD_VAULT_KEY") == true)
        #expect(error?.message.contains("hunter2") == false)
        #expect((#expect(throws: VaultError.self) { try wrong.checkKey() })?.code == .wrongKey)
        #expect(throws: Never.self) { try Self.vault(fixture, key: right).checkKey() }
        #expect(try Self.vault(fixture, key: try VaultKey(base64: right.base64)).resolve("DB_PASSWORD", in: "production") == "hunter2")
    }

    /// A sealed value moved onto another secret's row does not open: name, environment and version are authenticated.
    @Test(arguments: Backend.allCases)
    func aSealedValueMovedToAnotherRowDoesNotOpen(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        let vault = Self.vault(fixture)
        try vault.set("ADMIN_PASSWORD", environment: nil, value: "admin", actor: "alice")
        try vault.set("GUEST_PASSWORD", environment: nil, value: "guest", actor: "alice")
        try fixture.attack(
            "UPDATE secrets SET sealed = (SELECT sealed FROM secrets WHERE name = 'ADMIN_PASSWORD') WHERE name = 'GUEST_PASSWORD'")
        let error = #expect(throws: VaultError.self) { try vault.value(of: "GUEST_PASSWORD", environment: nil) }
        #expect(error?.code == .corrupted)
        #expect(try vault.value(of: "ADMIN_PASSWORD", environment: nil) == "admin")
    }

    /// Neither the database file (and its WAL) nor the event log holds a value in clear text.
    @Test func valuesNeverRestInClearText() throws {
        let fixture = try StoreFixture(.file)
        let vault = Self.vault(fixture)
        let canary = "canary-\(UUID().uuidString)"
        try vault.set("CANARY", environment: nil, value: canary, actor: "alice")
        try vault.rotate("CANARY", environment: nil, value: canary + "-2", actor: "alice")
        #expect(try vault.value(of: "CANARY", environment: nil) == canary + "-2")
        let path = try #require(fixture.path)
        for file in [path, path + "-wal"] {
            let data = FileManager.default.contents(atPath: file) ?? Data()
            #expect(data.range(of: Data("canary-".utf8)) == nil, "\(file) holds the value in clear")
        }
        for event in try fixture.log.allEvents() {
            #expect(!String(decoding: event.payload, as: UTF8.self).contains("canary"))
        }
    }
}
