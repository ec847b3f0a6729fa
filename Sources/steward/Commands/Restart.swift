import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward restart SERVICE --env ENV`: every instance replaced, never below the ready count.
    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart a service in an environment (rolling: never fewer ready instances than before).",
            discussion: """
                Runs the current release again as a new release (same version, --set variables, service \
                definition and scale) through a rolling deployment: new instances start and pass readiness \
                before old ones stop. Secrets are read again. To pick up a changed stack file, deploy instead. \
                Needs the operator role there.
                """)

        @Argument(help: "The service to restart.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String

        @OptionGroup var follow: FollowOptions
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await ServiceAction.run("restart", service: service, body: ServiceEnvironmentRequest(environment: environment), follow: follow, options: options)
        }
    }
}
