import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardHTTP
import StewardOps
import StewardServer
import StewardStore
import Testing

/// Approve, pause, resume and promotions through the router, over a real control plane and log.
struct GateRoutesTests {
    typealias Answer = (status: HTTPResponse.Status, body: [String: Any], message: String?)

    static func call(
        _ fixture: AccessFixture, _ method: HTTPRequest.Method, _ path: String, token: String, body: String? = nil
    ) async throws -> Answer {
        try await fixture.application.test(.router) { client in
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            if body != nil { headers[.contentType] = "application/json" }
            return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
                response in
                let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let message = (object?["error"] as? [String: Any])?["message"] as? String
                return (response.status, object ?? [:], message)
            }
        }
    }

    /// The requester's own approval is a 409 naming why; another approver's is recorded (with their name)
    /// and, being the one approval staging asks for, starts the deployment; a second one is a 409 too.
    @Test func approvalsAreByOtherUsersOnce() async throws {
        let fixture = try await AccessFixture()
        let requester = try Self.tokenOfRoot(fixture)
        let path = "/api/v1/deployments/\(fixture.awaitingApproval)/approve"
        let own = try await Self.call(fixture, .post, path, token: requester)
        #expect(own.status == .conflict)
        #expect(own.message?.contains("root requested deployment \(fixture.awaitingApproval) and cannot approve it") == true)

        let ann = try fixture.caller("ann", roles: ["approver@staging"])
        let approved = try await Self.call(fixture, .post, path, token: ann)
        #expect(approved.status == .accepted)
        #expect(approved.body["approvals"] as? [String] == ["ann"])
        #expect(approved.body["phase"] as? String == "rolling")
        let again = try await Self.call(fixture, .post, path, token: ann)
        #expect(again.status == .conflict)
        #expect(again.message?.contains("not awaiting approval") == true)

        let events = try fixture.log.latestEvents(limit: 20, typePrefix: "deployment.approved")
        #expect(events.count == 1)
        #expect(events.first?.actor == "ann")
        let payload = String(decoding: try #require(events.first).payload, as: UTF8.self)
        #expect(payload.contains(#""by":"ann""#))

        // An unknown deployment has no environment: the role is needed in every one (RoutePermissions).
        let everywhere = try fixture.caller("abe", roles: ["approver"])
        #expect(try await Self.call(fixture, .post, "/api/v1/deployments/9999/approve", token: everywhere).status == .notFound)
        #expect(try await Self.call(fixture, .post, "/api/v1/deployments/x/approve", token: everywhere).status == .badRequest)
    }

    /// Pause holds a walking canary (recorded as deployment.paused), a second pause and a resume of a
    /// rollout that is not paused are 409s; resume lets the paused one go on.
    @Test func pauseAndResume() async throws {
        let fixture = try await AccessFixture()
        let dee = try fixture.caller("dee", roles: ["deployer@production"])
        let paused = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.pausedCanary)/pause", token: dee)
        #expect(paused.status == .accepted)
        #expect(paused.body["pausedAt"] != nil)
        #expect(paused.body["weight"] as? Int == 10)
        let twice = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.pausedCanary)/pause", token: dee)
        #expect(twice.status == .conflict)
        #expect(twice.message == "deployment \(fixture.pausedCanary) is already paused")
        let promote = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.pausedCanary)/promote", token: dee)
        #expect(promote.status == .conflict)
        #expect(promote.message?.contains("is paused; `steward resume") == true)

        let resumed = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.heldCanary)/resume", token: dee)
        #expect(resumed.status == .accepted)
        #expect(resumed.body["pausedAt"] == nil)
        let notPaused = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.heldCanary)/resume", token: dee)
        #expect(notPaused.status == .conflict)
        let rolling = try await Self.call(fixture, .post, "/api/v1/deployments/\(fixture.activeDeployment)/pause", token: dee)
        #expect(rolling.status == .conflict)
        #expect(rolling.message?.contains("rolling deployment") == true)
        #expect(try fixture.log.latestEvents(limit: 10, typePrefix: "deployment.paused").count == 2, "the fixture's and this one")
        #expect(try fixture.log.latestEvents(limit: 10, typePrefix: "deployment.resumed").first?.actor == "dee")
    }

    /// A promotion copies the source's release into the target (waiting for its approval there); odd
    /// requests are clear errors that record nothing.
    @Test func promotionsAndTheirRefusals() async throws {
        let fixture = try await AccessFixture()
        let dee = try fixture.caller("dee", roles: ["deployer"])
        let before = try fixture.log.lastSequence()
        for (body, status, text) in [
            (#"{"service":"web","environment":"staging"}"#, HTTPResponse.Status.badRequest, "from"),
            (#"{"service":"web","from":"development","environment":"development"}"#, .unprocessableContent, "both 'development'"),
            (#"{"service":"web","from":"development","environment":"production"}"#, .unprocessableContent, "promotes to staging"),
            (#"{"service":"web","from":"qa","environment":"staging"}"#, .notFound, "unknown environment 'qa'"),
            (#"{"service":"api","from":"development","environment":"staging"}"#, .notFound, "runs no release"),
            (#"{"service":"web","from":"development","environment":"staging","overrideWindow":{"reason":" "}}"#, .unprocessableContent, "needs a reason"),
            ("[1]", .badRequest, ""),
        ] {
            let answer = try await Self.call(fixture, .post, "/api/v1/promotions", token: dee, body: body)
            #expect(answer.status == status, "\(body): \(answer.body)")
            #expect(text.isEmpty ? answer.message != nil : answer.message?.contains(text) == true, "\(body): \(answer.body)")
        }
        #expect(try fixture.log.lastSequence() == before, "refusals record nothing")

        let promoted = try await Self.call(
            fixture, .post, "/api/v1/promotions", token: dee, body: #"{"service":"web","from":"development","environment":"staging"}"#)
        #expect(promoted.status == .accepted, "\(promoted.body)")
        #expect(promoted.body["phase"] as? String == "awaiting-approval")
        #expect((promoted.body["promotedFrom"] as? [String: Any])?["release"] as? Int == 4)
        let release = try #require(promoted.body["release"] as? Int)
        let state = await fixture.controlPlane.state
        #expect(state.releases[release]?.version == "1.0.0", "the version that runs in development")
        #expect(state.releases[release]?.environment == "staging")
    }

    /// The token of the fixture's `root`, who requested every deployment it made.
    static func tokenOfRoot(_ fixture: AccessFixture) throws -> String {
        let secret = TokenHash.mint()
        try AccessFixture.issue(fixture.log, id: "tok_root", user: "root", secret: secret)
        return secret
    }
}
