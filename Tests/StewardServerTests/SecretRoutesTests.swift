import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardHTTP
import StewardOps
import StewardRuntime
import StewardServer
import StewardStore
import Testing

/// The secrets API through the router: values go in, only metadata comes out, errors are clear 4xx.
struct SecretRoutesTests {
    /// A control plane with a vault over an in-memory log, and the router over it.
    struct Fixture {
        let application: Application<RouterResponder<StewardRequestContext>>
        let log: EventLog
        let vault: SecretVault
        let token: String

        init() async throws {
            log = try EventLog.inMemory()
            token = TokenHash.mint()
            try log.insertToken(name: "alice", role: "admin", tokenHash: TokenHash.of(token))
            vault = SecretVault(log: log, key: .generate())
            let controlPlane = try ControlPlane(
                log: log, agent: AgentClient(baseURL: "http://127.0.0.1:9", token: "unused"), vault: vault,
                baseDirectory: "/tmp")
            guard case .success(let stack) = StackFile.parse(APIRoutesTests.stackText, file: "steward.yaml") else {
                Issue.record("fixture stack does not parse")
                throw CancellationError()
            }
            try await controlPlane.apply(stack: stack, digest: "d1", file: "steward.yaml", actor: "test")
            application = Application(router: APIRoutes.router(controlPlane: controlPlane, metrics: ServerMetrics()))
        }

        var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
    }

    /// PUT stores versions, GET lists them without values, rotate adds one, DELETE removes the scope;
    /// every answer names who set it and none holds the value.
    @Test func roundTripShowsMetadataOnly() async throws {
        let fixture = try await Fixture()
        let value = "v-\(UUID().uuidString)"
        try await fixture.application.test(.router) { client in
            var answers: [String] = []
            try await client.execute(
                uri: "/api/v1/secrets/DB_PASSWORD", method: .put, headers: fixture.auth,
                body: ByteBuffer(string: #"{"value":"\#(value)"}"#)
            ) { response in
                #expect(response.status == .ok)
                answers.append(String(buffer: response.body))
            }
            try await client.execute(
                uri: "/api/v1/secrets/DB_PASSWORD", method: .put, headers: fixture.auth,
                body: ByteBuffer(string: #"{"value":"\#(value)-prod","environment":"production"}"#)
            ) { answers.append(String(buffer: $0.body)) }
            try await client.execute(
                uri: "/api/v1/secrets/DB_PASSWORD/rotate", method: .post, headers: fixture.auth,
                body: ByteBuffer(string: #"{"value":"\#(value)-2"}"#)
            ) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""version":2"#))
                answers.append(text)
            }
            try await client.execute(uri: "/api/v1/secrets", method: .get, headers: fixture.auth) { response in
                let rows = try JSONDecoder.steward.decode([SecretInfo].self, from: APIRoutesTests.bytes(response.body))
                #expect(rows.map(\.environment) == [nil, "production"])
                #expect(rows.map(\.version) == [2, 1])
                #expect(rows.allSatisfy { $0.setBy == "alice" })
                answers.append(String(buffer: response.body))
            }
            try await client.execute(
                uri: "/api/v1/secrets/DB_PASSWORD?environment=production", method: .delete, headers: fixture.auth
            ) { response in
                #expect(response.status == .ok)
                answers.append(String(buffer: response.body))
            }
            try await client.execute(uri: "/api/v1/events?limit=100", method: .get, headers: fixture.auth) {
                answers.append(String(buffer: $0.body))
            }
            #expect(answers.allSatisfy { !$0.contains(value) })
        }
        #expect(try fixture.vault.resolve("DB_PASSWORD", in: "production") == value + "-2")
        let types = try fixture.log.allEvents().map(\.type).filter { $0.hasPrefix("secret.") }
        #expect(types == ["secret.set", "secret.set", "secret.rotated", "secret.removed"])
    }

    /// Bad names and values are 422, an unknown environment or secret 404, a missing value 400 —
    /// each with a message that says what was expected and never repeats the value — and nothing is recorded.
    @Test func badRequestsAreClearAndChangeNothing() async throws {
        let fixture = try await Fixture()
        let before = try fixture.log.lastSequence()
        let cases: [(method: HTTPRequest.Method, uri: String, body: String?, status: HTTPResponse.Status, message: String)] = [
            (.put, "/api/v1/secrets/db_password", #"{"value":"x"}"#, .unprocessableContent, "[A-Z_][A-Z0-9_]*"),
            (.put, "/api/v1/secrets/X", #"{"value":""}"#, .unprocessableContent, "must not be empty"),
            (.put, "/api/v1/secrets/X", #"{"value":"\u0000zz"}"#, .unprocessableContent, "NUL byte"),
            (.put, "/api/v1/secrets/X", #"{"environment":"development"}"#, .badRequest, "missing field 'value'"),
            (.put, "/api/v1/secrets/X", #"{"value":"x","environment":null}"#, .badRequest, "'environment' is null"),
            (.put, "/api/v1/secrets/X", #"{"value":"x","environment":"moon"}"#, .notFound, "unknown environment 'moon'"),
            (.post, "/api/v1/secrets/X/rotate", #"{"value":"x"}"#, .notFound, "no secret X for every environment"),
            (.delete, "/api/v1/secrets/X?environment=production", nil, .notFound, "no secret X for environment production"),
            (.put, "/api/v1/secrets/X", #"{"value":"\#(String(repeating: "z", count: 65537))"}"#, .unprocessableContent, "at most 65536 bytes"),
        ]
        try await fixture.application.test(.router) { client in
            for item in cases {
                try await client.execute(
                    uri: item.uri, method: item.method, headers: fixture.auth, body: item.body.map { ByteBuffer(string: $0) }
                ) { response in
                    #expect(response.status == item.status, "\(item.method) \(item.uri)")
                    let message = try APIRoutesTests.decodeError(response.body).message
                    #expect(message.contains(item.message), "\(message)")
                    #expect(!message.contains("zz"))
                }
            }
        }
        #expect(try fixture.log.lastSequence() == before)
    }
}
