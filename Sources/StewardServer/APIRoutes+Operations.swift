import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// The day-2 routes: restart, scale and start a service in an environment (each a rolling
    /// deployment, answered like `POST /deployments`), and take an environment down.
    static func addOperationRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.post("/services/:name/restart") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decode(ServiceEnvironmentRequest.self, from: request)
            let deployment = try await mapErrors {
                try await controlPlane.restart(service: name, environment: body.environment, actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/services/:name/scale") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decode(ScaleRequest.self, from: request)
            let deployment = try await mapErrors {
                try await controlPlane.scale(
                    service: name, environment: body.environment, instances: body.instances, actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/services/:name/start") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decode(ServiceEnvironmentRequest.self, from: request)
            let deployment = try await mapErrors {
                try await controlPlane.start(service: name, environment: body.environment, actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/environments/:name/down") { request, context in
            let environment = try context.parameters.require("name")
            let body = try await JSONAnswer.decodeIfPresent(DownRequest.self, from: request) ?? DownRequest()
            let stops = try await mapErrors {
                try await controlPlane.down(
                    environment: environment, reason: body.reason ?? "\(environment) taken down by \(context.actor)",
                    actor: context.actor)
            }
            let stopped = stops.map {
                DownAnswer.Stopped(service: $0.stop.target.service, release: $0.stop.release, stopping: $0.instances)
            }
            return try JSONAnswer.response(DownAnswer(environment: environment, stopped: stopped), status: .accepted)
        }
    }
}
