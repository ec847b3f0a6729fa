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
import StewardTesting
import Testing

/// `GET /api/v1/deployments/{id}` as a conditional GET and a long poll (`ETag`, `If-None-Match`, `waitMs`).
struct DeploymentLongPollTests {
    typealias Fixture = APIRoutesTests.Fixture

    static let deployBody = ByteBuffer(string: #"{"service":"api","environment":"production","version":"1.0.0"}"#)

    /// Starts deployment 1 and returns its ETag as the API gives it.
    static func startDeployment(_ client: some TestClientProtocol, _ fixture: Fixture) async throws -> String {
        try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: deployBody) {
            #expect($0.status == .accepted)
        }
        return try await client.execute(uri: "/api/v1/deployments/1", method: .get, headers: fixture.auth) { response in
            #expect(response.status == .ok)
            let tag = try #require(response.headers[.eTag])
            #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count > 2)
            return tag
        }
    }

    static func headers(_ fixture: Fixture, ifNoneMatch tag: String) -> HTTPFields {
        var headers = fixture.auth
        headers[.ifNoneMatch] = tag
        return headers
    }

    @Test func matchingTagIsNotModifiedAndAnotherTagGetsTheBody() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let tag = try await Self.startDeployment(client, fixture)
            try await client.execute(uri: "/api/v1/deployments/1", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) {
                #expect($0.status == .notModified)
                #expect($0.headers[.eTag] == tag)
                #expect($0.body.readableBytes == 0)
            }
            // A short wait with nothing changing ends in a 304 too.
            try await client.execute(
                uri: "/api/v1/deployments/1?waitMs=50", method: .get, headers: Self.headers(fixture, ifNoneMatch: "W/\(tag)")
            ) {
                #expect($0.status == .notModified)
            }
            try await client.execute(
                uri: "/api/v1/deployments/1?waitMs=50", method: .get, headers: Self.headers(fixture, ifNoneMatch: "\"other\", \"tags\"")
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == tag)
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: APIRoutesTests.bytes(response.body))
                #expect(deployment.id == 1)
            }
        }
    }

    /// A long poll that is waiting answers with the new representation when the deployment changes.
    @Test func waitingPollAnswersWhenTheDeploymentChanges() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let tag = try await Self.startDeployment(client, fixture)
            let waitersBefore = fixture.controlPlane.changes.waiting
            async let answered: (HTTPResponse.Status, String?, Deployment?) = client.execute(
                uri: "/api/v1/deployments/1?waitMs=60000", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)
            ) { response in
                (response.status, response.headers[.eTag], try? JSONDecoder.steward.decode(Deployment.self, from: APIRoutesTests.bytes(response.body)))
            }
            // The change comes once the poll waits, so its answer can only come from the wake-up.
            try await eventually("the long poll waits") { fixture.controlPlane.changes.waiting > waitersBefore }
            _ = try await fixture.controlPlane.abort(deployment: 1, reason: "test", actor: "alice")
            let (status, newTag, deployment) = try await answered
            #expect(status == .ok)
            #expect(newTag != nil && newTag != tag)
            #expect(deployment?.phase != .rolling)
        }
    }

    @Test func oddWaitsAndUnknownDeploymentsAreRefused() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let tag = try await Self.startDeployment(client, fixture)
            for query in ["waitMs=-1", "waitMs=60001", "waitMs=abc", "waitMs="] {
                try await client.execute(uri: "/api/v1/deployments/1?\(query)", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) {
                    #expect($0.status == .badRequest, "\(query)")
                }
            }
            try await client.execute(uri: "/api/v1/deployments/7?waitMs=60000", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) {
                #expect($0.status == .notFound)
            }
            // `*` matches nothing here: a long poll on "any representation" could only time out.
            try await client.execute(uri: "/api/v1/deployments/1?waitMs=60000", method: .get, headers: Self.headers(fixture, ifNoneMatch: "*")) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/deployments/1?waitMs=10", method: .get, headers: [.ifNoneMatch: tag]) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}
