import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardHTTP
import StewardServer
import StewardStore
import StewardTesting
import Testing

/// Who may call what: the permission table against the router, and every route × every role.
struct RoleMatrixTests {
    /// The protected routes of the router, as `METHOD /path/{parameter}`.
    static func protectedRoutes(_ fixture: AccessFixture) -> Set<String> {
        let router = APIRoutes.router(controlPlane: fixture.controlPlane, metrics: ServerMetrics())
        return Set(router.routes.map { "\($0.method) \($0.path)" }).subtracting(APIRoutes.openRoutes)
    }

    /// The permission table names exactly the protected routes the router serves: none missing, none stale.
    @Test func tableCoversEveryProtectedRoute() async throws {
        let fixture = try await AccessFixture()
        let routes = Self.protectedRoutes(fixture)
        #expect(Set(RoutePermissions.table.keys) == routes)
        #expect(Set(fixture.requests().keys) == routes, "the matrix has a request for every route")
    }

    /// Every route × every role, granted in the route's environment and only in another one: exactly 2xx when
    /// the role is enough there, else 403 with a JSON body naming the role and environment needed.
    /// (Requests act in production unless ``AccessFixture/requestEnvironments`` says otherwise.)
    @Test func everyRouteAgainstEveryRole() async throws {
        let agent = try AccessFixture.fakeAgent()
        defer { agent.stop() }
        let routes = try await Self.protectedRoutes(AccessFixture())
        for route in routes.sorted() {
            let permission = try #require(RoutePermissions.table[route])
            let method = HTTPRequest.Method(rawValue: String(route.split(separator: " ")[0]))!
            for role in Role.allCases {
                let fixture = try await AccessFixture(agentURL: agent.url)
                let request = try #require(fixture.requests()[route])
                let environment = AccessFixture.requestEnvironments[route] ?? "production"
                let other = environment == "production" ? "development" : "production"
                let inside = permission.environment == .none ? role.rawValue : "\(role.rawValue)@\(environment)"
                let outside = "\(role.rawValue)@\(other)"
                let insideToken = try fixture.caller("in-\(role)", roles: [inside])
                let outsideToken = try fixture.caller("out-\(role)", roles: [outside])
                try await fixture.application.test(.router) { client in
                    for (token, scope, allowed) in [
                        (outsideToken, outside, false), (insideToken, inside, role >= permission.role),
                    ] {
                        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                        if request.body != nil { headers[.contentType] = request.contentType }
                        try await client.execute(
                            uri: request.path, method: method, headers: headers,
                            body: request.body.map { ByteBuffer(string: $0) }
                        ) { response in
                            let label = "\(route) as \(scope): \(response.status) \(String(buffer: response.body))"
                            if allowed {
                                #expect((200..<300).contains(response.status.code), "\(label)")
                            } else {
                                #expect(response.status == .forbidden, "\(label)")
                                let message = try APIRoutesTests.decodeError(response.body).message
                                #expect(message.contains("needs the role '\(permission.role.rawValue)'"), "\(label)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// A route missing from the table is refused even to an admin of every environment (default deny);
    /// an unknown path still reaches the 404 answer.
    @Test func routeMissingFromTheTableIsRefused() async throws {
        let router = Router(context: StewardRequestContext.self)
        router.add(middleware: BearerAuthMiddleware { _ in Caller(name: "root", grants: [RoleGrant(.admin)]) })
        router.add(middleware: RolePermissionMiddleware(environments: { ["production"] }, deploymentEnvironment: { _ in nil }))
        router.get("/api/v1/unlisted") { _, _ in "reached" }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/v1/unlisted", method: .get, headers: [.authorization: "Bearer x"]) { response in
                #expect(response.status == .forbidden)
                let message = try APIRoutesTests.decodeError(response.body).message
                #expect(message == "GET /api/v1/unlisted is not in the permission table, so it is refused to everyone")
            }
            try await client.execute(uri: "/api/v1/nothing", method: .get, headers: [.authorization: "Bearer x"]) {
                #expect($0.status == .notFound)
            }
        }
    }

    /// A refusal says which role is needed in which environment, and what the user has there.
    @Test func refusalNamesRoleAndEnvironment() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("bob", roles: ["deployer@staging", "viewer@production"])
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"service":"api","environment":"production","version":"3.0.0"}"#)
            ) { response in
                #expect(response.status == .forbidden)
                let error = try APIRoutesTests.decodeError(response.body)
                #expect(error.status == 403)
                #expect(
                    error.message
                        == "POST /api/v1/deployments needs the role 'deployer' in environment 'production'; user 'bob' has 'viewer' there")
            }
        }
    }

    /// Events a request causes name the user whose token made it.
    @Test func eventsNameTheUser() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("erin", roles: ["deployer"])
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"service":"api","environment":"development","version":"3.0.0"}"#)
            ) { #expect($0.status == .accepted) }
        }
        let created = try fixture.log.latestEvents(limit: 1, typePrefix: "deployment.created", subjectPrefix: nil)
        #expect(created.first?.actor == "erin")
    }
}
