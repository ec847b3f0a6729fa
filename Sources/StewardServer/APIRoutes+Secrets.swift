import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps
import StewardStore

extension APIRoutes {
    /// The secrets vault: set, list (metadata only), rotate and remove. Values arrive in request
    /// bodies and never leave the control plane in an answer.
    static func addSecretRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/secrets") { request, _ in
            let environment = try request.textParameter("environment")
            let secrets = try await mapSecretErrors { try await controlPlane.secrets(environment: environment) }
            return try JSONAnswer.response(secrets)
        }
        api.put("/secrets/:name") { request, context in
            let name = try secretName(context)
            let body = try await JSONAnswer.decode(SecretRequest.self, from: request)
            let info = try await mapSecretErrors {
                try await controlPlane.setSecret(name, environment: body.environment, value: body.value, actor: context.actor)
            }
            return try JSONAnswer.response(info)
        }
        api.post("/secrets/:name/rotate") { request, context in
            let name = try secretName(context)
            let body = try await JSONAnswer.decode(SecretRequest.self, from: request)
            let rotated = try await mapSecretErrors {
                try await controlPlane.rotateSecret(
                    name, environment: body.environment, value: body.value, restart: body.restart ?? false,
                    actor: context.actor)
            }
            return try JSONAnswer.response(SecretRotatedAnswer(secret: rotated.info, restart: rotated.restart))
        }
        api.delete("/secrets/:name") { request, context in
            let name = try secretName(context)
            let environment = try request.textParameter("environment")
            let info = try await mapSecretErrors {
                try await controlPlane.removeSecret(name, environment: environment, actor: context.actor)
            }
            return try JSONAnswer.response(info)
        }
    }

    /// The `{name}` path parameter, checked before anything else runs (422 when it is not a secret's name).
    private static func secretName(_ context: StewardRequestContext) throws -> String {
        let name = try context.parameters.require("name")
        if let problem = SecretRules.problem(inName: name) { throw APIError.unprocessable("invalid secret name: \(problem)") }
        return name
    }

    /// Turns vault and control-plane refusals into API errors. Messages never hold a value.
    private static func mapSecretErrors<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await mapErrors(body)
        } catch let error as VaultError {
            switch error.code {
            case .invalidName, .invalidEnvironment, .invalidValue: throw APIError.unprocessable(error.message)
            case .notFound: throw APIError.notFound(error.message)
            case .wrongKey, .corrupted, .keyUnavailable: throw APIError(.internalServerError, error.message)
            }
        }
    }
}
