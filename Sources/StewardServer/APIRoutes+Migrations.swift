import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// Schema migrations of PostgreSQL dependencies: status per environment, and up / down
    /// (202: the run goes on as a job; follow `GET /migrations/{dependency}?environment=E`).
    static func addMigrationRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/migrations/:dependency") { request, context in
            let dependency = try context.parameters.require("dependency")
            let environment = try request.textParameter("environment")
            let views = try await mapErrors {
                try await controlPlane.migrationStatus(dependency: dependency, environment: environment)
            }
            return try JSONAnswer.response(views)
        }
        api.post("/migrations/:dependency/up") { request, context in
            try await startMigration(.up, request: request, context: context, controlPlane: controlPlane)
        }
        api.post("/migrations/:dependency/down") { request, context in
            try await startMigration(.down, request: request, context: context, controlPlane: controlPlane)
        }
    }

    private static func startMigration(
        _ direction: MigrationFileName.Direction, request: Request, context: StewardRequestContext,
        controlPlane: ControlPlane
    ) async throws -> Response {
        let dependency = try context.parameters.require("dependency")
        let body = try await JSONAnswer.decode(MigrationRunRequest.self, from: request)
        let operation = try await mapErrors {
            try await controlPlane.startMigration(
                direction, dependency: dependency, environment: body.environment, target: body.to, actor: context.actor)
        }
        return try JSONAnswer.response(operation, status: .accepted)
    }
}

/// Body of `POST /api/v1/migrations/{dependency}/up` and `…/down`.
struct MigrationRunRequest: Decodable, Sendable {
    var environment: String
    /// up: the last version to apply (absent: the latest); down: the version to keep (required; 0 reverts all).
    var to: Int?
}
