import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    static func addDeploymentRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.post("/deployments") { request, context in
            let body = try await JSONAnswer.decode(DeployRequest.self, from: request)
            let strategy = try body.strategy.map { name in
                guard let strategy = DeployPolicy.Strategy(rawValue: name) else {
                    let known = DeployPolicy.Strategy.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError.unprocessable("strategy '\(name)' is unknown; expected one of: \(known)")
                }
                return strategy
            }
            let deployment = try await mapErrors {
                try await controlPlane.deploy(
                    service: body.service, environment: body.environment, version: body.version,
                    overrides: body.set ?? [:], strategy: strategy, overrideWindow: body.overrideWindow?.reason,
                    actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/rollbacks") { request, context in
            let body = try await JSONAnswer.decode(RollbackRequest.self, from: request)
            let deployment = try await mapErrors {
                try await controlPlane.rollback(
                    service: body.service, environment: body.environment, to: body.to, actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/deployments/:id/abort") { request, context in
            let id = try context.parameters.require("id", as: Int.self)
            let body = try await JSONAnswer.decodeIfPresent(AbortRequest.self, from: request) ?? AbortRequest()
            let deployment = try await mapErrors {
                try await controlPlane.abort(deployment: id, reason: body.reason ?? "no reason given", actor: context.actor)
            }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/deployments/:id/promote") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            let deployment = try await mapErrors { try await controlPlane.promote(deployment: id, actor: context.actor) }
            return try JSONAnswer.response(deployment, status: .accepted)
        }
        api.post("/services/:name/stop") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decode(StopRequest.self, from: request)
            let stopping = try await mapErrors {
                try await controlPlane.stop(
                    service: name, environment: body.environment, reason: body.reason ?? "stopped by \(context.actor)",
                    actor: context.actor)
            }
            return try JSONAnswer.response(
                StopAnswer(service: name, environment: body.environment, stopping: stopping), status: .accepted)
        }
        api.put("/stack") { request, context in
            guard let mediaType = RequestBodyPolicyMiddleware.mediaType(of: request), mediaType.hasSuffix("yaml") else {
                throw APIError(.unsupportedMediaType, "send the stack file as 'Content-Type: application/yaml'")
            }
            let text = try await JSONAnswer.text(from: request)
            let file = try request.textParameter("file") ?? "steward.yaml"
            let analysis = StackFile.analyze(text, file: file)
            switch analysis.result {
            case .failure(let errors):
                throw APIError.unprocessable(
                    "the stack file has \(errors.errors.count) problem(s)",
                    details: errors.errors.map { .init(message: $0.description, line: $0.line, column: $0.column) })
            case .success(let stack):
                let digest = TokenHash.of(text)
                try await controlPlane.apply(stack: stack, digest: digest, file: file, actor: context.actor)
                // Keys that parse but are not enforced are said here too: no control passes silently.
                let warnings = analysis.warnings.map {
                    APIError.Detail(message: $0.message, path: $0.keyPath, line: $0.line, column: $0.column)
                }
                return try JSONAnswer.response(StackAppliedAnswer(stack: stack.name, digest: digest, warnings: warnings))
            }
        }
    }

    /// Turns control-plane refusals into API errors with the right status.
    static func mapErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ControlPlaneError {
            switch error {
            case .notFound(let message): throw APIError.notFound(message)
            case .conflict(let message): throw APIError.conflict(message)
            case .invalid(let message): throw APIError.unprocessable(message)
            }
        }
    }
}
