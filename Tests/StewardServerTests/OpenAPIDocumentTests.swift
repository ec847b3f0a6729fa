import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StewardServer
import Testing

/// The served OpenAPI document and the router cannot drift apart.
struct OpenAPIDocumentTests {
    /// The document as the server serves it.
    static func document(_ fixture: APIRoutesTests.Fixture) async throws -> [String: Any] {
        let data = try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { APIRoutesTests.bytes($0.body) }
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Every route the router serves is an operation of the document, and every operation is a route.
    @Test func routesAndDocumentMatch() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let document = try await Self.document(fixture)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, methods in
            methods.keys.map { "\($0.uppercased()) \(path)" }
        })
        let router = APIRoutes.router(controlPlane: fixture.controlPlane, metrics: ServerMetrics())
        let served = Set(router.routes.map { "\($0.method) \($0.path)" })
        #expect(served == documented)
    }

    /// Exactly the open routes are documented without security, and every protected operation declares 401.
    @Test func openRoutesAreTheOnesWithoutSecurity() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let document = try await Self.document(fixture)
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        var open: Set<String> = []
        for (path, methods) in paths {
            for (method, operation) in methods {
                let responses = operation["responses"] as? [String: Any] ?? [:]
                if (operation["security"] as? [Any])?.isEmpty == true {
                    open.insert("\(method.uppercased()) \(path)")
                } else {
                    #expect(responses["401"] != nil, "\(method) \(path) declares 401")
                }
                #expect(responses["405"] != nil, "\(method) \(path) declares 405")
            }
        }
        #expect(open == APIRoutes.openRoutes)
    }
}
