import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// Disaster-recovery drills: start one (202: it runs as a job; poll `GET /drills/{id}`), read it,
    /// and list those the log remembers (`GET /drills`, also from before a restart).
    static func addDrillRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.post("/drills") { request, context in
            let body = try await JSONAnswer.decode(DrillStartRequest.self, from: request)
            let report = try await mapErrors {
                try await controlPlane.startDrill(environment: body.environment, actor: context.actor)
            }
            return try JSONAnswer.response(report, status: .accepted)
        }
        api.get("/drills") { request, _ in
            let environment = try request.textParameter("environment")
            let limit = try request.integerParameter("limit", in: 1...1000) ?? 50
            return try JSONAnswer.response(try await mapErrors { try controlPlane.drillHistory(environment: environment, limit: limit) })
        }
        api.get("/drills/:id") { _, context in
            let id = try context.parameters.require("id")
            guard DrillID.isValid(id) else {
                throw APIError.notFound("no drill \(id); a drill id looks like 20261126-093000-a1b2c3")
            }
            return try JSONAnswer.response(try await mapErrors { try await controlPlane.drill(id: id) })
        }
    }
}

/// Body of `POST /api/v1/drills`.
struct DrillStartRequest: Decodable, Sendable {
    /// The environment whose recovery is drilled.
    var environment: String
}
