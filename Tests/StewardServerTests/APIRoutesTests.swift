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

/// The control plane's API through the router (no sockets): auth, errors and validation.
struct APIRoutesTests {
    static let stackText = """
        version: 1
        stack: shop
        services:
          api:
            command: /bin/true
            readiness:
              http:
                path: /healthz
        environments:
          development: {}
          production:
            instances:
              api: 2
        """

    /// A control plane over an in-memory log with an agent that is never reached.
    struct Fixture {
        let application: Application<RouterResponder<StewardRequestContext>>
        let controlPlane: ControlPlane
        let token: String
        let log: EventLog

        /// - Parameter backupDirectory: where the control plane keeps backups; nil keeps none.
        init(backupDirectory: String? = nil) async throws {
            log = try EventLog.inMemory()
            token = TokenHash.mint()
            try log.insertToken(name: "alice", role: "admin", tokenHash: TokenHash.of(token))
            controlPlane = try ControlPlane(
                log: log, agent: AgentClient(baseURL: "http://127.0.0.1:9", token: "unused"), baseDirectory: "/tmp",
                backupDirectory: backupDirectory)
            guard case .success(let stack) = StackFile.parse(Self.stackText, file: "steward.yaml") else {
                Issue.record("fixture stack does not parse")
                throw CancellationError()
            }
            try await controlPlane.apply(stack: stack, digest: "d1", file: "steward.yaml", actor: "test")
            application = Application(router: APIRoutes.router(controlPlane: controlPlane, metrics: ServerMetrics()))
        }

        var auth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

        static let stackText = APIRoutesTests.stackText
    }

    struct ErrorBody: Decodable {
        struct Inner: Decodable {
            var status: Int
            var message: String
            var details: [APIError.Detail]?
        }
        var error: Inner
    }

    static func bytes(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }

    static func decodeError(_ body: ByteBuffer) throws -> ErrorBody.Inner {
        try JSONDecoder().decode(ErrorBody.self, from: APIRoutesTests.bytes(body)).error
    }

    /// API paths without a token answer 401 with a JSON error; health and metrics stay open.
    @Test func requiresBearerToken() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/status", method: .get) { response in
                #expect(response.status == .unauthorized)
                let message = try APIRoutesTests.decodeError(response.body).message
                #expect(message.contains("missing bearer token"))
            }
            try await client.execute(uri: "/api/v1/status", method: .get, headers: [.authorization: "Bearer stw_wrong"]) {
                #expect($0.status == .unauthorized)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "invalid token")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("steward_agent_up"))
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: APIRoutesTests.bytes(response.body))
                #expect(object is [String: Any])
            }
        }
    }

    /// A deploy naming an unknown service is a 404 that lists the known ones, and records nothing.
    @Test func unknownServiceIsNotFound() async throws {
        let fixture = try await Fixture()
        let before = try fixture.log.lastSequence()
        try await fixture.application.test(.router) { client in
            let body = ByteBuffer(string: #"{"service":"apii","environment":"development","version":"1.0.0"}"#)
            try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: body) {
                #expect($0.status == .notFound)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "unknown service 'apii'; the stack has: api")
            }
        }
        #expect(try fixture.log.lastSequence() == before)
    }

    /// A body missing a field is a 400 naming the field; a bad version is a 422 saying what is expected.
    @Test func invalidBodiesAreRejected() async throws {
        let fixture = try await Fixture()
        let before = try fixture.log.lastSequence()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments", method: .post, headers: fixture.auth,
                body: ByteBuffer(string: #"{"service":"api","environment":"development"}"#)
            ) {
                #expect($0.status == .badRequest)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "invalid request body: missing field 'version'")
            }
            try await client.execute(
                uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: ByteBuffer(string: "not json")
            ) {
                #expect($0.status == .badRequest)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "invalid request body: the body is not valid JSON")
            }
            try await client.execute(
                uri: "/api/v1/deployments", method: .post, headers: fixture.auth,
                body: ByteBuffer(string: #"{"service":"api","environment":"development","version":"1.0 beta"}"#)
            ) {
                #expect($0.status == .unprocessableContent)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message.hasPrefix("version contains a space at character 4; expected"))
            }
        }
        #expect(try fixture.log.lastSequence() == before)
    }

    /// A second deployment to the same place while one runs is a 409.
    @Test func concurrentDeploymentConflicts() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let body = ByteBuffer(string: #"{"service":"api","environment":"production","version":"1.0.0"}"#)
            try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: body) { response in
                #expect(response.status == .accepted)
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: APIRoutesTests.bytes(response.body))
                #expect(deployment.phase == .rolling)
                #expect(deployment.newInstances == ["api-production-r1-0", "api-production-r1-1"])
                #expect(deployment.requestedBy == "alice")
            }
            try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: body) {
                #expect($0.status == .conflict)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "deployment 1 of api/production is still rolling")
            }
        }
    }

    /// Applying a broken stack file is a 422 whose details carry line and column; the old stack stays.
    @Test func brokenStackIsRejectedWithPositions() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let broken = "version: 1\nstack: shop\nservices:\n  api:\n    comand: /bin/true\n"
            var yaml = fixture.auth
            yaml[.contentType] = "application/yaml"
            try await client.execute(uri: "/api/v1/stack", method: .put, headers: yaml, body: ByteBuffer(string: broken)) {
                #expect($0.status == .unprocessableContent)
                let error = try APIRoutesTests.decodeError($0.body)
                #expect(error.details?.contains { $0.line == 5 && $0.column == 5 && $0.message.contains("did you mean 'command'") } == true)
            }
            try await client.execute(uri: "/api/v1/stack", method: .get, headers: fixture.auth) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains("/bin/true"))
            }
        }
    }

    /// Applying a stack through the API answers with the keys it parses but does not enforce, by position.
    @Test func appliedStackListsUnenforcedKeys() async throws {
        let fixture = try await Fixture()
        let text = Fixture.stackText.replacingOccurrences(
            of: "    command: /bin/true\n", with: "    command: /bin/true\n    deploy: {rollback: [\"error_rate > 5% for 5m\"]}\n")
        let yaml: HTTPFields = [.authorization: "Bearer \(fixture.token)", .contentType: "application/yaml"]
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/stack", method: .put, headers: yaml, body: ByteBuffer(string: text)) { response in
                #expect(response.status == .ok)
                let answer = try JSONDecoder().decode(StackAppliedAnswer.self, from: APIRoutesTests.bytes(response.body))
                #expect(answer.stack == "shop")
                let rollback = try #require(answer.warnings.first { $0.path == "services.api.deploy.rollback" })
                #expect(rollback.line == 6)
                #expect(rollback.column == 14)
                #expect(rollback.message.contains("only partly enforced"))
            }
        }
    }

    /// A rollback with no earlier release is refused with a clear 422.
    @Test func rollbackWithoutHistoryIsRefused() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/rollbacks", method: .post, headers: fixture.auth,
                body: ByteBuffer(string: #"{"service":"api","environment":"development"}"#)
            ) {
                #expect($0.status == .unprocessableContent)
                let message = try APIRoutesTests.decodeError($0.body).message
                #expect(message == "api/development has no earlier release to roll back to")
            }
            try await client.execute(uri: "/api/v1/deployments/99", method: .get, headers: fixture.auth) {
                #expect($0.status == .notFound)
            }
        }
    }

    /// Every API call by a token is attributed to it in the log, and the chain verifies.
    @Test func eventsAreAttributedAndVerifiable() async throws {
        let fixture = try await Fixture()
        try await fixture.application.test(.router) { client in
            let body = ByteBuffer(string: #"{"service":"api","environment":"development","version":"2.0.0"}"#)
            try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: body) {
                #expect($0.status == .accepted)
            }
            try await client.execute(uri: "/api/v1/audit/verify", method: .get, headers: fixture.auth) { response in
                let report = try JSONDecoder.steward.decode(AuditReport.self, from: APIRoutesTests.bytes(response.body))
                #expect(report.isIntact)
            }
        }
        let created = try fixture.log.latestEvents(limit: 10, typePrefix: "deployment.created", subjectPrefix: nil)
        #expect(created.first?.actor == "alice")
    }
}
