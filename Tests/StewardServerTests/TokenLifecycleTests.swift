import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardHTTP
import StewardServer
import StewardStore
import Testing

/// Tokens through the API: shown once, expiring, revocable, gone with their user; events name the admin.
struct TokenLifecycleTests {
    static func headers(_ token: String) -> HTTPFields {
        [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    /// A token past its expiry answers 401, one second before it still works.
    @Test func expiredTokenIsRefused() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("bob", roles: ["viewer"], expires: fixture.clock.now.addingTimeInterval(3600))
        try await fixture.application.test(.router) { client in
            fixture.clock.advance(by: 3599)
            try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.headers(token)) { #expect($0.status == .ok) }
            fixture.clock.advance(by: 1)
            try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.headers(token)) { response in
                #expect(response.status == .unauthorized)
                let message = try APIRoutesTests.decodeError(response.body).message
                #expect(message == "invalid token")
            }
        }
    }

    /// Created through the API, a token works at once and is in no answer but the creating one and in no event;
    /// revoked, it answers 401 and `token.revoked` names who revoked it; revoking it again is a 409.
    @Test func createdThenRevoked() async throws {
        let fixture = try await AccessFixture()
        let admin = try fixture.caller("ann", roles: ["admin"])
        let secret = try await fixture.application.test(.router) { client in
            let created = try await client.execute(
                uri: "/api/v1/tokens", method: .post, headers: Self.headers(admin),
                body: ByteBuffer(string: #"{"user":"carol","expiresIn":"12h"}"#)
            ) { response in
                #expect(response.status == .created)
                return try JSONDecoder.steward.decode(CreatedToken.self, from: APIRoutesTests.bytes(response.body))
            }
            #expect(created.expiresAt == fixture.clock.now.addingTimeInterval(12 * 3600))
            try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.headers(created.token)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/tokens", method: .get, headers: Self.headers(admin)) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains(created.token))
                let tokens = try JSONDecoder.steward.decode([TokenView].self, from: APIRoutesTests.bytes(response.body))
                #expect(tokens.first { $0.id == created.id }?.lastUsedAt == fixture.clock.now)
            }
            try await client.execute(uri: "/api/v1/tokens/\(created.id)", method: .delete, headers: Self.headers(admin)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.headers(created.token)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/tokens/\(created.id)", method: .delete, headers: Self.headers(admin)) {
                #expect($0.status == .conflict)
            }
            return created.token
        }
        let events = try fixture.log.allEvents()
        #expect(!events.contains { String(decoding: $0.payload, as: UTF8.self).contains(secret) })
        let revoked = try #require(events.last { $0.type == "token.revoked" })
        #expect(revoked.actor == "ann")
        let issued = try #require(events.last { $0.type == "token.created" })
        #expect(issued.actor == "ann")
        guard case .event(.tokenIssued(let value)) = try StewardEvent.decode(
            seq: issued.seq, type: issued.type, subject: issued.subject, payload: issued.payload)
        else { Issue.record("token.created does not decode to a user's token"); return }
        #expect(value.user == "carol")
    }

    /// Removing a user revokes their tokens (401 after); removing the last admin is refused with 409.
    @Test func removedUserLosesAccessAndTheLastAdminStays() async throws {
        let fixture = try await AccessFixture()
        let admin = try fixture.caller("ann", roles: ["admin"])
        let bob = try fixture.caller("bob", roles: ["viewer"])
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/users/bob", method: .delete, headers: Self.headers(admin)) { response in
                #expect(response.status == .ok)
                let removed = try JSONDecoder.steward.decode(RemovedUser.self, from: APIRoutesTests.bytes(response.body))
                #expect(removed.revokedTokens == ["tok_bob"])
            }
            try await client.execute(uri: "/api/v1/status", method: .get, headers: Self.headers(bob)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/users/root", method: .delete, headers: Self.headers(admin)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/users/ann", method: .delete, headers: Self.headers(admin)) { response in
                #expect(response.status == .conflict)
                let message = try APIRoutesTests.decodeError(response.body).message
                #expect(message.contains("would leave no user with the role 'admin'"))
            }
        }
    }

    /// Bad user bodies are 422s naming the problem, and a taken name is a 409; nothing is recorded.
    @Test func badUsersAreRefused() async throws {
        let fixture = try await AccessFixture()
        let admin = try fixture.caller("ann", roles: ["admin"])
        let before = try fixture.log.lastSequence()
        try await fixture.application.test(.router) { client in
            for (body, status) in [
                (#"{"name":"x y","roles":["viewer"]}"#, HTTPResponse.Status.unprocessableContent),
                (#"{"name":"x","roles":["root"]}"#, .unprocessableContent),
                (#"{"name":"x","roles":["viewer@"]}"#, .unprocessableContent),
                (#"{"name":"x","roles":[]}"#, .unprocessableContent),
                (#"{"name":"carol","roles":["viewer"]}"#, .conflict),
            ] {
                try await client.execute(
                    uri: "/api/v1/users", method: .post, headers: Self.headers(admin), body: ByteBuffer(string: body)
                ) { #expect($0.status == status, "\(body)") }
            }
        }
        #expect(try fixture.log.lastSequence() == before)
    }

    /// Comparing token hashes takes no shortcut on the first differing byte, and refuses other lengths.
    @Test func constantTimeCompare() {
        let hash = TokenHash.of("stw_a")
        #expect(TokenHash.constantTimeEquals(hash, TokenHash.of("stw_a")))
        #expect(!TokenHash.constantTimeEquals(hash, TokenHash.of("stw_b")))
        #expect(!TokenHash.constantTimeEquals(hash, String(hash.dropLast())))
    }

    /// Grants: a role without an environment counts everywhere; "every environment" is the lowest held.
    @Test func callerRoles() {
        let bob = Caller(name: "bob", grants: [RoleGrant("deployer@staging")!, RoleGrant("viewer")!])
        #expect(bob.role(in: "staging") == .deployer)
        #expect(bob.role(in: "production") == .viewer)
        #expect(bob.role(inEvery: ["staging", "production"]) == .viewer)
        let staging = Caller(name: "s", grants: [RoleGrant("admin@staging")!])
        #expect(staging.role(inEvery: ["staging", "production"]) == nil)
        #expect(staging.role(inEvery: []) == nil)
        #expect(RoleGrant("operator@prod")?.description == "operator@prod")
        #expect(RoleGrant("boss") == nil && RoleGrant("viewer@") == nil)
    }
}
