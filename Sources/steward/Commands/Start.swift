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
            try await ServiceAction.run("start", service: service, body: ServiceEnvironmentRequest(environment: environment), follow: follow, options: options)
        }
    }
}
