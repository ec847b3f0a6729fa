import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardOps
import StewardServer
import StewardStore
import StewardTesting
import Testing

/// The mirror routes through the router: no token, the wrong role, an unknown mirror and odd bodies
/// each get a clear 4xx JSON answer and start nothing; a good call records `mirror.started` and
/// answers 202 with the run to follow. (The jobs of ``AccessFixture`` never run.)
struct MirrorRoutesTests {
    typealias Call = MigrationRoutesTests

    /// Without a token every mirror route is 401; a viewer reads but may not sync or restore, and
    /// an operator of one environment only may not either (a mirror belongs to the whole stack).
    @Test func tokenAndRoleAreChecked() async throws {
        let fixture = try await AccessFixture()
        for (method, uri) in [
            (HTTPRequest.Method.get, "/api/v1/mirrors"), (.get, "/api/v1/mirrors/documents"),
            (.post, "/api/v1/mirrors/documents/sync"), (.post, "/api/v1/mirrors/documents/restore"),
        ] {
            try await Call.call(fixture, method, uri, token: nil) { status, _ in #expect(status == .unauthorized, "\(uri)") }
        }
        let viewer = try fixture.caller("vic", roles: ["viewer"])
        let stagingOperator = try fixture.caller("sam", roles: ["operator@production"])
        for token in [viewer, stagingOperator] {
            for uri in ["/api/v1/mirrors/documents/sync", "/api/v1/mirrors/documents/restore"] {
                try await Call.call(fixture, .post, uri, token: token) { status, message in
                    #expect(status == .forbidden)
                    #expect(message.contains("needs the role 'operator' in every environment"), "\(message)")
                }
            }
        }
        try await Call.call(fixture, .get, "/api/v1/mirrors", token: viewer) { status, text in
            #expect(status == .ok)
            #expect(text.contains(#""name":"documents""#) && text.contains("s3:") && text.contains("shop-documents"), "\(text)")
            #expect(!text.contains("fixture-s3-secret"))
        }
        #expect(await fixture.controlPlane.mirrorOperations.isEmpty, "nothing was started")
    }

    /// An unknown mirror is 404 naming the declared ones; bodies that are not a JSON object, a
    /// field of the wrong type, a folder or an empty target are 400 or 422; nothing starts.
    @Test func unknownMirrorsAndOddBodiesAreRefused() async throws {
        let fixture = try await AccessFixture()
        let ops = try fixture.caller("olga", roles: ["operator"])
        for (method, uri) in [
            (HTTPRequest.Method.get, "/api/v1/mirrors/photos"), (.post, "/api/v1/mirrors/photos/sync"),
            (.post, "/api/v1/mirrors/photos/restore"),
        ] {
            try await Call.call(fixture, method, uri, token: ops) { status, message in
                #expect(status == .notFound, "\(uri)")
                #expect(message.contains("mirror 'photos' is not declared") && message.contains("documents"), "\(message)")
            }
        }
        let odd: [(String, String, HTTPResponse.Status, String)] = [
            ("sync", "not json", .badRequest, "not valid JSON"),
            ("sync", "[1, 2]", .badRequest, "invalid request body"),
            ("restore", "{", .badRequest, "not valid JSON"),
            ("restore", #"{"includeRemoved":"yes"}"#, .badRequest, "includeRemoved"),
            ("restore", #"{"to":42}"#, .badRequest, "to"),
            ("restore", #"{"to":""}"#, .badRequest, "'to' is empty"),
            ("restore", #"{"to":"/var/restore"}"#, .unprocessableContent, "a mirror restores into a bucket"),
            ("restore", #"{"to":"s3://NO"}"#, .unprocessableContent, "not a bucket name"),
        ]
        for (action, body, expected, words) in odd {
            try await Call.call(fixture, .post, "/api/v1/mirrors/documents/\(action)", token: ops, body: body) { status, message in
                #expect(status == expected, "\(action) \(body): \(message)")
                #expect(message.contains(words), "\(action) \(body): \(message)")
            }
        }
        #expect(await fixture.controlPlane.mirrorOperations.isEmpty, "nothing was started")
    }

    /// A sync answers 202 with its run, recorded as `mirror.started`; a second one while it runs is 409.
    @Test func syncStartsOnceAtATime() async throws {
        let fixture = try await AccessFixture()
        let ops = try fixture.caller("olga", roles: ["operator"])
        try await Call.call(fixture, .post, "/api/v1/mirrors/documents/sync", token: ops) { status, text in
            #expect(status == .accepted)
            #expect(text.contains(#""state":"running""#) && text.contains(#""kind":"sync""#), "\(text)")
        }
        try await Call.call(fixture, .post, "/api/v1/mirrors/documents/restore", token: ops, body: "{}") { status, message in
            #expect(status == .conflict)
            #expect(message.contains("still running"), "\(message)")
        }
        let events = try fixture.log.allEvents().filter { $0.type.hasPrefix("mirror.") }
        #expect(events.map(\.type) == ["mirror.started"])
        #expect(events.first?.actor == "olga")
        let payload = String(decoding: events.first?.payload ?? Data(), as: UTF8.self)
        #expect(payload.contains(#""operation":"sync""#) && !payload.contains("fixture-s3-secret"), "\(payload)")
    }
}
