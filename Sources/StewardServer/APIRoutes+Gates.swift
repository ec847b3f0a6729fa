import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// Approvals, pause and resume of a deployment, and promotions between environments.
    static func addGateRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.post("/deployments/:id/approve") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            let deployment = try await mapErrors { try await controlPlane.approve(deployment: id, actor: context.actor) }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/deployments/:id/pause") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            let deployment = try await mapErrors { try await controlPlane.pause(deployment: id, actor: context.actor) }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/deployments/:id/resume") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            let deployment = try await mapErrors { try await controlPlane.resume(deployment: id, actor: context.actor) }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/promotions") { request, context in
            let body = try await JSONAnswer.decode(PromotionRequest.self, from: request)
            let deployment = try await mapErrors {
                try await controlPlane.promote(
                    service: body.service, from: body.from, to: body.environment, overrideWindow: body.overrideWindow?.reason,
                    actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
    }
}
