import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward scale SERVICE --env ENV N`: run N instances; the count sticks until the next scale.
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run N instances of a service in an environment (rolling).",
            discussion: """
                Rolls out the current release again with N instances (0 to 256). The count sticks: later \
                deploys, restarts, rollbacks and starts there keep it until the next scale, whatever the stack \
                file says. 0 stops every instance but keeps the service's version and count: scale it up to \
                run it again. Needs the operator role there.
                """)

        @Argument(help: "The service to scale.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String

        @Argument(help: "How many instances to run, 0 to 256.")
        var instances: Int

        @OptionGroup var follow: FollowOptions
        @OptionGroup var options: ClientOptions

        func validate() throws {
            let range = ServiceSpec.instanceRange
            guard range.contains(instances) else {
                throw ValidationError("N must be from \(range.lowerBound) to \(range.upperBound), got \(instances)")
            }
        }

        func run() async throws {
            try await ServiceAction.run(
                "scale", service: service, body: ScaleRequest(environment: environment, instances: instances), follow: follow,
                options: options)
        }
    }
}
