import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardServer
import StewardStore
import Testing

/// Restart, scale, start and down through the router: refusals are JSON 4xx that record nothing.
struct DayTwoRoutesTests {
    /// Posts `body` (JSON text, or none) to `uri` and returns the status and the error message, if any.
    static func post(_ uri: String, _ body: String?, _ fixture: APIRoutesTests.Fixture) async throws -> (HTTPResponse.Status, String?) {
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: fixture.auth, body: body.map { ByteBuffer(string: $0) }) {
                ($0.status, try? APIRoutesTests.decodeError($0.body).message)
            }
        }
    }

    /// Bad counts, unknown names and commands that do not fit the state are refused with a clear JSON error, and nothing is recorded.
    @Test func refusalsRecordNothing() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let before = try fixture.log.lastSequence()
        let cases: [(String, String?, HTTPResponse.Status, String)] = [
            ("/api/v1/services/api/scale", #"{"environment":"production","instances":-1}"#, .unprocessableContent,
             "instances must be from 0 to 256, got -1"),
            ("/api/v1/services/api/scale", #"{"environment":"production","instances":257}"#, .unprocessableContent,
             "instances must be from 0 to 256, got 257"),
            ("/api/v1/services/api/scale", #"{"environment":"production","instances":"3"}"#, .badRequest,
             "invalid request body: 'instances' has the wrong type; expected an integer"),
            ("/api/v1/services/api/scale", #"{"environment":"production"}"#, .badRequest,
             "invalid request body: missing field 'instances'"),
            ("/api/v1/services/nope/scale", #"{"environment":"production","instances":1}"#, .notFound,
             "unknown service 'nope'; the stack has: api"),
            ("/api/v1/services/api/restart", #"{"environment":"qa"}"#, .notFound,
             "unknown environment 'qa'; the stack has: development, production"),
            ("/api/v1/services/api/restart", #"{"environment":"production"}"#, .notFound,
             "api/production is not running: it was never deployed there; `steward deploy api --env production --version V` deploys it"),
            ("/api/v1/services/api/start", #"{"environment":"production"}"#, .notFound,
             "api/production has no stopped release to start: it was never deployed there; `steward deploy api --env production --version V` deploys it"),
            ("/api/v1/services/api/start", #"{}"#, .badRequest, "invalid request body: missing field 'environment'"),
            ("/api/v1/environments/qa/down", nil, .notFound, "unknown environment 'qa'; the stack has: development, production"),
            ("/api/v1/environments/development/down", #"{"reason":null}"#, .badRequest,
             "invalid request body: 'reason' is null; expected a string"),
            ("/api/v1/environments/development/down", #"{"reason":"\#(String(repeating: "x", count: 1025))"}"#, .badRequest,
             "invalid request body: 'reason' is invalid: longer than 1024 characters"),
        ]
        for (uri, body, status, message) in cases {
            let (answered, said) = try await Self.post(uri, body, fixture)
            #expect(answered == status, "\(uri) \(body ?? "")")
            #expect(said == message, "\(uri) \(body ?? "")")
        }
        #expect(try fixture.log.lastSequence() == before)
    }

    /// While a deployment runs, restart, scale, start and down there are 409s naming it; down elsewhere is an empty 202.
    @Test func aDeploymentInFlightBlocksThem() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let deploy = #"{"service":"api","environment":"production","version":"1.0.0"}"#
        #expect(try await Self.post("/api/v1/deployments", deploy, fixture).0 == .accepted)
        let before = try fixture.log.lastSequence()
        let busy = "deployment 1 of api/production is still rolling; wait for it or abort it"
        for (uri, body) in [
            ("/api/v1/services/api/restart", #"{"environment":"production"}"#),
            ("/api/v1/services/api/scale", #"{"environment":"production","instances":1}"#),
            ("/api/v1/services/api/start", #"{"environment":"production"}"#),
        ] {
            let (status, message) = try await Self.post(uri, body, fixture)
            #expect(status == .conflict, "\(uri)")
            #expect(message == busy, "\(uri)")
        }
        let (status, message) = try await Self.post("/api/v1/environments/production/down", #"{"reason":"x"}"#, fixture)
        #expect(status == .conflict)
        #expect(message == "cannot take production down: \(busy)")
        #expect(try fixture.log.lastSequence() == before)

        let quiet = try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/environments/development/down", method: .post, headers: fixture.auth) {
                ($0.status, try JSONDecoder().decode(DownAnswer.self, from: APIRoutesTests.bytes($0.body)))
            }
        }
        #expect(quiet.0 == .accepted)
        #expect(quiet.1.environment == "development" && quiet.1.stopped.isEmpty)
        #expect(try fixture.log.lastSequence() == before, "nothing ran there: nothing is recorded")
    }
}
