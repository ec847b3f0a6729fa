import ArgumentParser
import Foundation
import StewardCore
import StewardServer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Steward {
    /// `steward down --env ENV`: stop every service running in an environment.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop every service running in an environment (asks first; --yes when not interactive).",
            discussion: """
                Records one service.stopped per running service, all in one append, and refuses while a \
                deployment runs there. Other environments are untouched. Each service keeps its release: \
                `steward start SERVICE --env ENV` runs it again.
                """)

        @Option(name: .customLong("env"), help: "The environment to take down.")
        var environment: String

        @Flag(help: "Do not ask for confirmation (required when stdin is not a terminal).")
        var yes = false

        @Option(help: "Why, for the audit trail.")
        var reason: String?

        @Flag(help: "Wait until every stopped instance is gone; exit 1 when they are not gone in time.")
        var wait = false

        @Option(help: "With --wait, give up after this many seconds (exit 1).")
        var timeout: Int = 120

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            // Never take an environment down on a script's behalf by accident: no terminal to ask, no go.
            if !yes, isatty(STDIN_FILENO) == 0 {
                throw ValidationError(
                    "down stops every service running in \(environment); stdin is not a terminal to confirm on, so pass --yes")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let client = options.client()
                if !yes { try await confirm(client) }
                let body = try JSONEncoder.steward.encode(DownRequest(reason: reason))
                let data = try await client.send("POST", "/api/v1/environments/\(environment.urlPathEncoded)/down", body: body)
                let answer = try JSONDecoder.steward.decode(DownAnswer.self, from: data)
                if wait {
                    try await StoppingFollower(client: client, output: options.output)
                        .waitUntilGone(answer.stopped.flatMap(\.stopping), environment: environment, timeout: timeout)
                }
                if options.output == .json { return printJSON(data) }
                if answer.stopped.isEmpty { return print("\(environment): nothing was running") }
                for service in answer.stopped {
                    print("\(service.service)/\(environment): \(wait ? "stopped" : "stopping") r\(service.release) \(service.stopping.joined(separator: ", "))")
                }
            }
        }

        /// Says what runs there and wants the environment's name typed back.
        private func confirm(_ client: APIClient) async throws {
            let status = try await client.get("/api/v1/status", as: StatusView.self)
            let running = status.services.filter { $0.environment == environment && $0.release != nil }.map(\.service)
            let what = running.isEmpty ? "nothing runs there now" : "this stops \(running.joined(separator: ", "))"
            printError("Taking \(environment) down: \(what).")
            FileHandle.standardError.write(Data("Type the environment's name to confirm: ".utf8))
            guard readLine()?.trimmingCharacters(in: .whitespaces) == environment else {
                throw CLIError.failed("not confirmed: nothing was stopped")
            }
        }
    }
}
