import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward status`: every service in every environment, its release and its instances.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show releases, instances and deployments at a glance.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let data = try await options.client().send("GET", "/api/v1/status")
                if options.output == .json { return printJSON(data) }
                let status = try JSONDecoder.steward.decode(StatusView.self, from: data)
                print("stack \(status.stack ?? "(none)") · agent \(status.agent.reachable ? "up" : "UNREACHABLE") at \(status.agent.url)")
                var rows = [["SERVICE", "ENV", "RELEASE", "READY", "DEPLOYMENT"]]
                for service in status.services {
                    let release = service.release.map { "r\($0) \(service.version ?? "")" }
                        ?? service.stoppedRelease.map { "stopped (r\($0))" } ?? "-"
                    let deployment = service.deployment.map { "#\($0.id) \($0.kind.rawValue) \($0.phase.rawValue)" } ?? "-"
                    let ready = "\(service.ready)/\(service.desired)" + (service.scaled.map { " (scaled to \($0))" } ?? "")
                    rows.append([service.service, service.environment, release, ready, deployment])
                }
                print(Table.render(rows))
                let instances = status.services.flatMap(\.instances)
                if !instances.isEmpty {
                    print("")
                    var rows = [["INSTANCE", "VERSION", "STATE", "READY", "PID", "RESTARTS", "URL"]]
                    for instance in instances {
                        rows.append([
                            instance.id, instance.version, instance.state, instance.ready ? "yes" : "no",
                            instance.pid.map(String.init) ?? "-", String(instance.restarts), instance.url,
                        ])
                    }
                    print(Table.render(rows))
                }
                if !status.dependencies.isEmpty {
                    print("")
                    print(Table.render([["DEPENDENCY", "UP", "MESSAGE"]] + status.dependencies.map { [$0.name, $0.up ? "yes" : "no", $0.message] }))
                }
            }
        }
    }
}

/// Aligned text columns.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
