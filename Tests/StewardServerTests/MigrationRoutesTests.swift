import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardOps
import StewardServer
import StewardTesting
import Testing

/// The migration routes through the router: no token, the wrong role, odd bodies: clear 4xx JSON,
/// and nothing started. (The database of ``AccessFixture`` is unreachable: status says so.)
struct MigrationRoutesTests {
    /// Calls a route and hands its status and decoded error (when not 2xx) to `check`.
    static func call(
        _ fixture: AccessFixture, _ method: HTTPRequest.Method, _ uri: String, token: String?, body: String? = nil,
        contentType: String = "application/json", _ check: @escaping @Sendable (HTTPResponse.Status, String) throws -> Void
    ) async throws {
        try await fixture.application.test(.router) { client in
            var headers: HTTPFields = [:]
            if let token { headers[.authorization] = "Bearer \(token)" }
            if body != nil { headers[.contentType] = contentType }
            try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
                response in
                let text = String(buffer: response.body)
                if !(200..<300).contains(response.status.code) {
                    // Every refusal is the JSON error shape.
                    let error = try APIRoutesTests.decodeError(response.body)
                    #expect(error.status == Int(response.status.code), "\(text)")
                    try check(response.status, error.message)
                } else {
                    try check(response.status, text)
                }
            }
        }
    }

    /// Without a token every migration route is 401; a viewer reads but may not apply or revert.
    @Test func tokenAndRoleAreChecked() async throws {
        let fixture = try await AccessFixture()
        for (method, uri) in [
            (HTTPRequest.Method.get, "/api/v1/migrations/db"), (.post, "/api/v1/migrations/db/up"), (.post, "/api/v1/migrations/db/down"),
        ] {
            try await Self.call(fixture, method, uri, token: nil, body: method == .post ? #"{"environment":"production"}"# : nil) {
                status, _ in #expect(status == .unauthorized, "\(uri)")
            }
        }
        let viewer = try fixture.caller("vic", roles: ["viewer"])
        try await Self.call(fixture, .post, "/api/v1/migrations/db/up", token: viewer, body: #"{"environment":"production"}"#) {
            status, message in
            #expect(status == .forbidden)
            #expect(message.contains("needs the role 'operator' in environment 'production'"), "\(message)")
        }
        try await Self.call(fixture, .get, "/api/v1/migrations/db?environment=production", token: viewer) { status, text in
            #expect(status == .ok)
            #expect(text.contains(#""environment":"production""#) && text.contains(#""error":"the history cannot be read"#), "\(text)")
            #expect(text.contains(#""backupFirst":true"#), "production backs up first by default: \(text)")
        }
        #expect(await fixture.controlPlane.migrationOperations.isEmpty, "nothing was started")
    }

    /// Odd bodies and names: each a 4xx JSON error that says what is wrong, and nothing started.
    @Test func oddBodiesAreRefused() async throws {
        let fixture = try await AccessFixture()
        let ops = try fixture.caller("olga", roles: ["operator"])
        let cases: [(String, String, String, HTTPResponse.Status, String)] = [
            ("up", "{}", "application/json", .badRequest, "environment"),
            ("up", #"{"environment":5}"#, "application/json", .badRequest, "environment"),
            ("up", "not json", "application/json", .badRequest, "invalid request body"),
            ("up", #"{"environment":"production","to":"x"}"#, "application/json", .badRequest, "to"),
            ("up", #"{"environment":"production"}"#, "text/plain", .unsupportedMediaType, "application/json"),
            ("up", #"{"environment":"production","to":-1}"#, "application/json", .unprocessableContent, "'to' must be a version of 0 or more"),
            ("up", #"{"environment":"production","to":7}"#, "application/json", .unprocessableContent, "there is no migration 7; the directory has 1 to 1"),
            ("down", #"{"environment":"production"}"#, "application/json", .unprocessableContent, "down needs the version to go back to"),
            ("up", #"{"environment":"nowhere"}"#, "application/json", .notFound, "unknown environment 'nowhere'"),
        ]
        for (direction, body, type, expected, words) in cases {
            try await Self.call(fixture, .post, "/api/v1/migrations/db/\(direction)", token: ops, body: body, contentType: type) {
                status, message in
                #expect(status == expected, "\(body): \(message)")
                #expect(message.contains(words), "\(body): \(message)")
            }
        }
        try await Self.call(fixture, .post, "/api/v1/migrations/nope/up", token: ops, body: #"{"environment":"production"}"#) {
            status, message in
            #expect(status == .notFound)
            #expect(message == "unknown dependency 'nope'; the stack's dependencies with migrations: db")
        }
        #expect(await fixture.controlPlane.migrationOperations.isEmpty, "nothing was started")
        // A well-formed request starts a run (202), and a second one while it runs is a conflict.
        try await Self.call(fixture, .post, "/api/v1/migrations/db/up", token: ops, body: #"{"environment":"production"}"#) {
            status, text in
            #expect(status == .accepted, "\(text)")
            #expect(text.contains(#""state":"running""#) && text.contains(#""stage":"waiting for the migration lock""#))
        }
        try await Self.call(fixture, .post, "/api/v1/migrations/db/down", token: ops, body: #"{"environment":"production","to":0}"#) {
            status, message in
            #expect(status == .conflict)
            #expect(message.contains("of db in production is still running"), "\(message)")
        }
    }
}
