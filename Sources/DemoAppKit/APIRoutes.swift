#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird

/// The JSON API under `/api`: items, version and echo. Faults apply here.
struct APIRoutes: Sendable {
    /// Largest body `/api/v1/echo` accepts.
    static let maximumEchoBytes = 1 << 20

    let version: String

    /// Adds the endpoints to `group`, which is mounted at `/api`.
    func register(on group: RouterGroup<BasicRequestContext>) {
        group.get("version") { _, _ in
            JSONResponse.make(.ok, VersionBody(version: version))
        }
        group.get("v1/items") { _, _ in
            JSONResponse.make(.ok, Item.catalogue)
        }
        group.get("v1/items/:id") { _, context in
            guard let id = context.parameters.get("id", as: Int.self),
                let item = Item.catalogue.first(where: { $0.id == id })
            else {
                return JSONResponse.error(.notFound, "no such item")
            }
            return JSONResponse.make(.ok, item)
        }
        group.post("v1/echo") { request, _ in
            let buffer = try await request.body.collect(upTo: Self.maximumEchoBytes)
            let data = Data(buffer.readableBytesView)
            // Validated, then echoed byte for byte: the caller gets back exactly what it sent.
            guard (try? JSONDecoder().decode(JSONValue.self, from: data)) != nil else {
                return JSONResponse.error(.badRequest, "body is not JSON")
            }
            return JSONResponse.raw(.ok, data)
        }
    }
}
