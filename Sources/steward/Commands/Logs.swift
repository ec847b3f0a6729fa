import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward logs SERVICE --env ENV [-f]`: the output of a service's instances.
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print (and follow) the output of a service's instances.")

        @Argument(help: "The service.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String = "development"

        @Flag(name: .shortAndLong, help: "Keep printing new output.")
        var follow = false

        @Option(help: "Bytes of past output to show per instance.")
        var tail: Int = 8192

        @OptionGroup var options: ClientOptions

        struct Chunk: Decodable {
            var instanceID: String
            var nextOffset: Int
            var text: String
        }

        func validate() throws {
            guard tail >= 0 else { throw ValidationError("--tail must not be negative") }
        }

        func run() async throws {
            try await reportingErrors {
                let base = "/api/v1/services/\(service.urlQueryEncoded)/logs?environment=\(environment.urlQueryEncoded)"
                var offsets: [String: Int] = [:]
                var path = base + "&tail=\(tail)"
                while true {
                    let data = try await options.client().send("GET", path)
                    if options.output == .json && !follow { return printJSON(data) }
                    for chunk in try JSONDecoder.steward.decode([Chunk].self, from: data) {
                        offsets[chunk.instanceID] = chunk.nextOffset
                        for line in chunk.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(chunk.text.hasSuffix("\n") ? 1 : 0) {
                            print("\(chunk.instanceID) | \(line)")
                        }
                    }
                    guard follow else { return }
                    try await Task.sleep(for: .milliseconds(500))
                    let cursor = offsets.map { "\($0.key):\($0.value)" }.joined(separator: ",")
                    path = base + "&tail=0&offsets=\(cursor.urlQueryEncoded)"
                }
            }
        }
    }
}
