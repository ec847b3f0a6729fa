import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward start SERVICE --env ENV`: run again what `stop` (or `down`) stopped.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start again a service that `steward stop` or `steward down` stopped in an environment.",
            discussion: """
                Runs the release the stop stopped (same version, --set variables, service definition and \
                scale) as a new release. Refused when the service runs there or never ran there.
                """)

        @Argument(help: "The service to start.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String

        @OptionGroup var follow: FollowOptions
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let client = options.client()
                let body = try JSONEncoder.steward.encode(ServiceEnvironmentRequest(environment: environment))
                let data = try await client.send("POST", "/api/v1/services/\(service.urlPathEncoded)/start", body: body)
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: data)
                try await DeploymentFollower(client: client, output: options.output)
                    .report(deployment, initialData: data, wait: follow.wait, timeout: follow.timeout)
            }
        }
    }
}
