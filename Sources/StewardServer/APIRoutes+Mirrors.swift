import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// Bucket mirrors: list and show, sync and restore (202: the copy runs as a job; poll
    /// `GET /mirrors/{name}`).
    static func addMirrorRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/mirrors") { _, _ in
            try JSONAnswer.response(await controlPlane.mirrors())
        }
        api.get("/mirrors/:name") { _, context in
            let name = try context.parameters.require("name")
            return try JSONAnswer.response(try await mapErrors { try await controlPlane.mirror(named: name) })
        }
        api.post("/mirrors/:name/sync") { request, context in
            let name = try context.parameters.require("name")
            // No body is needed; one that is sent must be a JSON object.
            _ = try await JSONAnswer.decodeIfPresent(MirrorSyncRequest.self, from: request)
            let operation = try await mapErrors { try await controlPlane.syncMirror(name, actor: context.actor) }
            return try JSONAnswer.response(operation, status: .accepted)
        }
        api.post("/mirrors/:name/restore") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decodeIfPresent(MirrorRestoreRequest.self, from: request) ?? MirrorRestoreRequest()
            if let to = body.to, to.isEmpty {
                throw APIError(.badRequest, "'to' is empty: expected s3://BUCKET/PREFIX, or leave it out to restore into the source")
            }
            let operation = try await mapErrors {
                try await controlPlane.restoreMirror(
                    name, to: body.to, includeRemoved: body.includeRemoved ?? false, actor: context.actor)
            }
            return try JSONAnswer.response(operation, status: .accepted)
        }
    }
}
