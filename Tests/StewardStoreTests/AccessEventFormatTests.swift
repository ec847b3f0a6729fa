import Foundation
import StewardCore
import Testing

/// The user and token events in their documented shapes (docs/events.md), and the v1 `token.created` still read.
struct AccessEventFormatTests {
    static func payload(_ event: StewardEvent) throws -> String {
        String(decoding: try event.encoded().payload, as: UTF8.self)
    }

    static func roundTrip(_ event: StewardEvent) throws -> StewardEvent? {
        let encoded = try event.encoded()
        guard case .event(let decoded) = try StewardEvent.decode(
            seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        else { return nil }
        return decoded
    }

    /// Each new event writes exactly its documented fields, with sorted keys, and reads back equal.
    @Test func shapesAreTheDocumentedOnes() throws {
        let expires = Date(timeIntervalSince1970: 1_798_252_260)
        let cases: [(StewardEvent, String, String, String)] = [
            (.userAdded(UserAdded(user: "bob", roles: ["viewer@production", "deployer@staging"])), "user.added", "user/bob",
             #"{"roles":["deployer@staging","viewer@production"],"user":"bob","v":1}"#),
            (.userRemoved(UserRemoved(user: "bob", revokedTokens: ["tok_2", "tok_1"])), "user.removed", "user/bob",
             #"{"revokedTokens":["tok_1","tok_2"],"user":"bob","v":1}"#),
            (.tokenRevoked(TokenRevoked(token: "tok_1", user: "bob")), "token.revoked", "token/tok_1",
             #"{"token":"tok_1","user":"bob","v":1}"#),
            (.tokenIssued(TokenIssued(id: "tok_1", role: "deployer@staging", user: "bob", expires: expires)), "token.created",
             "token/tok_1", #"{"expires":"2026-12-26T02:31:00.000Z","name":"tok_1","role":"deployer@staging","user":"bob","v":1}"#),
            (.tokenIssued(TokenIssued(id: "admin", role: "admin", user: "admin", expires: nil)), "token.created", "token/admin",
             #"{"name":"admin","role":"admin","user":"admin","v":1}"#),
        ]
        for (event, type, subject, json) in cases {
            let encoded = try event.encoded()
            #expect(encoded.type == type)
            #expect(encoded.subject == subject)
            #expect(try Self.payload(event) == json, "\(type)")
            #expect(EventFormat.supportedVersions[type] == 1)
            #expect(try Self.roundTrip(event) == event)
        }
    }

    /// A `token.created` written before users existed (no `user`) still reads as the v1 event.
    @Test func oldTokenCreatedStillReads() throws {
        let payload = Data(#"{"name":"admin","role":"admin","v":1}"#.utf8)
        let decoded = try StewardEvent.decode(seq: 2, type: "token.created", subject: "token/admin", payload: payload)
        #expect(decoded == .event(.tokenCreated(name: "admin", role: "admin")))
    }
}
