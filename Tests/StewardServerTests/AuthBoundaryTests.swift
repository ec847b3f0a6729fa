import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardHTTP
import StewardServer
import StewardStore
import Testing

/// The control plane's security boundary, walked over every route the router serves.
struct AuthBoundaryTests {
    /// Every route of the router with sample values for its parameters, e.g. `POST /api/v1/deployments/1/abort`.
    static func routes(of fixture: APIRoutesTests.Fixture) -> [(method: HTTPRequest.Method, path: String)] {
        let router = APIRoutes.router(controlPlane: fixture.controlPlane, metrics: ServerMetrics())
        return router.routes.map { route in
            let path = "\(route.path)".split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "1" : String($0) }
            return (route.method, "/" + path.joined(separator: "/"))
        }
    }

    /// Spellings of a path that a router may treat as the same route, or that a prefix check would miss.
    static func variants(of path: String) -> [String] {
        let inner = path.dropFirst()
        var list = [path, "/" + path, "/./" + inner, path + "/", path.uppercased(), path + "?x=1"]
        if let slash = inner.firstIndex(of: "/") {
            list.append("/" + inner[..<slash] + "//" + inner[inner.index(after: slash)...])
            list.append("/" + inner[..<slash] + "%2F" + inner[inner.index(after: slash)...])
            list.append("/" + inner[..<slash] + "/./" + inner[inner.index(after: slash)...])
        }
        return list
    }

    /// Without a token, every route but the declared open ones — in every spelling — answers 401 with a JSON body.
    @Test func everyRouteNeedsATokenExceptTheOpenOnes() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let routes = Self.routes(of: fixture)
        let open = Set(routes.map { "\($0.method) \($0.path)" }).intersection(APIRoutes.openRoutes)
        #expect(open == APIRoutes.openRoutes, "every declared open route is served")
        #expect(routes.count > 15)
        try await fixture.application.test(.router) { client in
            for route in routes where !APIRoutes.openRoutes.contains("\(route.method) \(route.path)") {
                for path in Self.variants(of: route.path) {
                    for headers: HTTPFields in [[:], [.authorization: "Bearer stw_wrong"], [.authorization: "Basic YTpi"]] {
                        try await client.execute(uri: path, method: route.method, headers: headers) { response in
                            #expect(response.status == .unauthorized, "\(route.method) \(path) \(headers)")
                            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                        }
                    }
                }
            }
            for route in routes where APIRoutes.openRoutes.contains("\(route.method) \(route.path)") {
                try await client.execute(uri: route.path, method: route.method) { response in
                    #expect(response.status == .ok, "open route \(route.method) \(route.path)")
                }
            }
        }
    }

    /// Unknown paths and methods answer 401 without a token, and 404 / 405 (with `Allow`) with one.
    @Test func unknownPathsAndMethodsAreDeniedFirst() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        try await fixture.application.test(.router) { client in
            for path in ["/api/v1/nothing", "/api/v2/status", "/v1/instances/x", "/healthz/x", "/%2e%2e/etc/passwd"] {
                try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized, "\(path)") }
                try await client.execute(uri: path, method: .get, headers: fixture.auth) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect((try? APIRoutesTests.decodeError(response.body).status) == 404)
                }
            }
            try await client.execute(uri: "/healthz", method: .post) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/status", method: .delete, headers: fixture.auth) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
                #expect((try? APIRoutesTests.decodeError(response.body).status) == 405)
            }
            try await client.execute(uri: "/api/v1/deployments", method: .patch, headers: fixture.auth) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, POST")
            }
            // A constant segment wins over a parameter, as in the router: prune is not a backup id.
            try await client.execute(uri: "/api/v1/backups/prune", method: .options, headers: fixture.auth) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }

    /// A body a web page could send without a preflight (text/plain, a form, no type) is refused with 415; nothing is recorded.
    @Test func bodiesMustBeJSON() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let before = try fixture.log.lastSequence()
        let body = ByteBuffer(string: #"{"service":"api","environment":"development","version":"1.0.0"}"#)
        try await fixture.application.test(.router) { client in
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", nil] {
                var headers: HTTPFields = [.authorization: "Bearer \(fixture.token)"]
                if let type { headers[.contentType] = type }
                for uri in ["/api/v1/deployments", "/api/v1/rollbacks", "/api/v1/deployments/1/abort"] {
                    try await client.execute(uri: uri, method: .post, headers: headers, body: body) { response in
                        #expect(response.status == .unsupportedMediaType, "\(uri) \(type ?? "none")")
                        #expect((try? APIRoutesTests.decodeError(response.body).status) == 415)
                    }
                }
            }
            var json: HTTPFields = fixture.auth
            json[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/stack", method: .put, headers: json, body: ByteBuffer(string: "version: 1")) {
                #expect($0.status == .unsupportedMediaType)
            }
        }
        #expect(try fixture.log.lastSequence() == before)
    }

    /// Query parameters out of range are a 400 naming the parameter; a body over 4 MiB is a 413 with a JSON body.
    @Test func oddParametersAndBodiesAreRefused() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        try await fixture.application.test(.router) { client in
            for query in ["limit=-5", "after=xyz", "limit=0", "limit=1001", "after=-1", "type=", "subject="] {
                try await client.execute(uri: "/api/v1/events?\(query)", method: .get, headers: fixture.auth) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    let message = try APIRoutesTests.decodeError(response.body).message
                    #expect(message.contains("query parameter"), "\(message)")
                }
            }
            try await client.execute(uri: "/api/v1/deployments?limit=abc", method: .get, headers: fixture.auth) {
                #expect($0.status == .badRequest)
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: " "), count: 5 * 1024 * 1024)
            try await client.execute(uri: "/api/v1/deployments", method: .post, headers: fixture.auth, body: huge) { response in
                #expect(response.status == .contentTooLarge)
                #expect((try? APIRoutesTests.decodeError(response.body).status) == 413)
            }
        }
    }
}
