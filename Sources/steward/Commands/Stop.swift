import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward stop SERVICE --env ENV`: stop every instance of a service in an environment.
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a service in an environment (also one removed from the stack).",
            discussion: "The service keeps its releases and history; `steward start` runs the stopped release again.")

        @Argument(help: "The service to stop.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String

        @Option(help: "Why, for the audit trail.")
        var reason: String?

        @Flag(help: "Wait until its instances are gone; exit 1 when they are not gone in time.")
        var wait = false

        @Option(help: "With --wait, give up after this many seconds (exit 1).")
        var timeout: Int = 120

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let client = options.client()
                let body = try JSONEncoder.steward.encode(StopRequest(environment: environment, reason: reason))
                let data = try await client.send("POST", "/api/v1/services/\(service.urlPathEncoded)/stop", body: body)
                let answer = try JSONDecoder.steward.decode(StopAnswer.self, from: data)
                if wait {
                    try await StoppingFollower(client: client, output: options.output)
                        .waitUntilGone(answer.stopping, environment: environment, service: service, timeout: timeout)
                }
                if options.output == .json { return printJSON(data) }
                print("\(service)/\(environment): \(wait ? "stopped" : "stopping") \(answer.stopping.joined(separator: ", "))")
            }
        }
    }
}
