import Foundation
import StewardCore

/// `POST /api/v1/services/{service}/{action}` (`start`, `restart`, `scale`): the action starts a
/// deployment, which is then reported, or followed with `--wait` like `steward deploy --wait`.
enum ServiceAction {
    static func run(
        _ action: String, service: String, body: some Encodable, follow: FollowOptions, options: ClientOptions
    ) async throws {
        try await reportingErrors {
            let client = options.client()
            let data = try await client.send(
                "POST", "/api/v1/services/\(service.urlPathEncoded)/\(action)", body: try JSONEncoder.steward.encode(body))
            let deployment = try JSONDecoder.steward.decode(Deployment.self, from: data)
            try await DeploymentFollower(client: client, output: options.output)
                .report(deployment, initialData: data, wait: follow.wait, timeout: follow.timeout)
        }
    }
}
