import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward releases [SERVICE] [--env ENV]`.
    struct Releases: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List releases, newest first.")

        @Argument(help: "Only this service.")
        var service: String?

        @Option(name: .customLong("env"), help: "Only this environment.")
        var environment: String?

        @OptionGroup var options: ClientOptions

        struct Row: Decodable {
            var release: Release
            var serving: Bool
        }

        func run() async throws {
            try await reportingErrors {
                var query: [String] = []
                if let service { query.append("service=\(service.urlQueryEncoded)") }
                if let environment { query.append("environment=\(environment.urlQueryEncoded)") }
                let data = try await options.client().send("GET", "/api/v1/releases" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if options.output == .json { return printJSON(data) }
                let rows = try JSONDecoder.steward.decode([Row].self, from: data)
                var table = [["RELEASE", "SERVICE", "ENV", "VERSION", "INSTANCES", "CREATED", "BY", ""]]
                for row in rows {
                    let release = row.release
                    table.append([
                        "r\(release.number)", release.service, release.environment, release.version,
                        String(release.spec.instances) + (release.scaledInstances == nil ? "" : " (scaled)"),
                        StewardDate.format(release.createdAt), release.createdBy,
                        row.serving ? "serving" : "",
                    ])
                }
                print(Table.render(table))
            }
        }
    }
}

extension String {
    var urlQueryEncoded: String { addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? self }
    /// The text as one path segment (a `/` in it is encoded).
    var urlPathEncoded: String { addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? self }
}
