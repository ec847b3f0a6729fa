import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardOps
import StewardServer
import Testing

/// `POST /api/v1/rollbacks` with `to`: back to an older release of the same target, by number.
@Suite struct RollbackToTests {
    @Test func rollsBackToANamedReleaseAndRefusesOthersClearly() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("dora", roles: ["deployer@production"])
        let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        try await fixture.application.test(.router) { client in
            // Release 2 runs api in production; release 3 belongs to api in development.
            for (to, status, message) in [
                (2, HTTPResponse.Status.conflict, "release 2 is what api/production runs now"),
                (3, .notFound, "release 3 is not a release of api/production; `steward releases` lists them"),
                (999, .notFound, "release 999 is not a release of api/production; `steward releases` lists them"),
            ] {
                try await client.execute(
                    uri: "/api/v1/rollbacks", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"service":"api","environment":"production","to":\#(to)}"#)
                ) { response in
                    #expect(response.status == status)
                    let refusal = try APIRoutesTests.decodeError(response.body).message
                    #expect(refusal == message)
                }
            }
            try await client.execute(
                uri: "/api/v1/rollbacks", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"service":"api","environment":"production","to":1}"#)
            ) { response in
                #expect(response.status == .accepted)
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: APIRoutesTests.bytes(response.body))
                #expect(deployment.kind == .rollback)
                #expect(deployment.previousRelease == 2)
            }
        }
        let releases = await fixture.controlPlane.state.releases.values.filter { $0.service == "api" && $0.environment == "production" }
        #expect(releases.max { $0.number < $1.number }?.version == "1.0.0", "the new release returns to release 1's version")
    }

    /// A deployment asking for a strategy that does not exist is refused, naming the known ones, and records nothing.
    @Test func anUnknownStrategyIsRefusedAndChangesNothing() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("dora", roles: ["deployer@production"])
        let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        let before = await fixture.controlPlane.state.deployments.count
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"service":"api","environment":"production","version":"9.0.0","strategy":"big-bang"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let message = try APIRoutesTests.decodeError(response.body).message
                #expect(message == "strategy 'big-bang' is unknown; expected one of: rolling, blue-green, canary")
            }
        }
        #expect(await fixture.controlPlane.state.deployments.count == before)
    }
}
