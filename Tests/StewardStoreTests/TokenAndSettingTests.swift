import Foundation
import StewardStore
import Testing

struct TokenAndSettingTests {
    /// A stored token is found by its hash, counted, and unknown hashes find nothing.
    @Test(arguments: Backend.allCases)
    func tokensRoundTrip(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        #expect(try fixture.log.tokenCount() == 0)
        let hash = EventHash.sha256Hex("st_secret_admin_token")
        let created = Date(timeIntervalSince1970: 1_700_000_000.25)
        let stored = try fixture.log.insertToken(name: "admin", role: "admin", tokenHash: hash, createdAt: created)

        #expect(try fixture.log.token(withHash: hash) == stored)
        #expect(stored.name == "admin")
        #expect(stored.role == "admin")
        #expect(stored.createdAt == created)
        #expect(try fixture.log.token(withHash: EventHash.sha256Hex("other")) == nil)
        try fixture.log.insertToken(name: "ci", role: "deployer", tokenHash: EventHash.sha256Hex("ci"))
        #expect(try fixture.log.tokenCount() == 2)
    }

    /// A taken name or hash is a conflict; a hash that is not 64 lowercase hex digits is an invalid value.
    @Test(arguments: Backend.allCases)
    func tokenConstraintsAreEnforced(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        try fixture.log.insertToken(name: "admin", role: "admin", tokenHash: EventHash.sha256Hex("a"))

        let sameName = #expect(throws: StoreError.self) {
            try fixture.log.insertToken(name: "admin", role: "viewer", tokenHash: EventHash.sha256Hex("b"))
        }
        #expect(sameName?.code == .conflict)
        let sameHash = #expect(throws: StoreError.self) {
            try fixture.log.insertToken(name: "other", role: "viewer", tokenHash: EventHash.sha256Hex("a"))
        }
        #expect(sameHash?.code == .conflict)
        for badHash in ["abc", EventHash.sha256Hex("c").uppercased(), ""] {
            let error = #expect(throws: StoreError.self) {
                try fixture.log.insertToken(name: "bad", role: "viewer", tokenHash: badHash)
            }
            #expect(error?.code == .invalidValue)
        }
        #expect(try fixture.log.tokenCount() == 1)
    }

    /// A setting is nil until set, then reads back its latest value.
    @Test(arguments: Backend.allCases)
    func settingsRoundTrip(backend: Backend) throws {
        let fixture = try StoreFixture(backend)
        #expect(try fixture.log.setting("cluster.id") == nil)
        try fixture.log.setSetting("cluster.id", "one")
        #expect(try fixture.log.setting("cluster.id") == "one")
        try fixture.log.setSetting("cluster.id", "two")
        #expect(try fixture.log.setting("cluster.id") == "two")
        #expect(try fixture.log.setting("other") == nil)
    }
}
