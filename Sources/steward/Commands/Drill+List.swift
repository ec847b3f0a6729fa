import ArgumentParser
import Foundation
import StewardCore

extension Steward.Drill {
    /// `steward drill list [--env ENV] [--limit N]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the drills the log remembers, newest first: outcome, RTO and RPO achieved.",
            discussion: "Drills run before the control plane last restarted are listed too (from the drill.* events).")
        @Option(name: .customLong("env"), help: "Only drills of this environment.") var environment: String?
        @Option(help: "At most this many drills (1 to 1000).") var limit: Int = 20
        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000") }
        }

        func run() async throws {
            try await reportingErrors {
                var query = "?limit=\(limit)"
                if let environment { query += "&environment=\(environment.urlQueryEncoded)" }
                let data = try await options.client().send("GET", "/api/v1/drills\(query)")
                if options.output == .json { return printJSON(data) }
                let drills = try JSONDecoder.steward.decode([DrillSummary].self, from: data)
                if drills.isEmpty { return print("no drills") }
                for drill in drills { print(Self.line(drill)) }
            }
        }

        /// `ID  ENV  STARTED  outcome  RTO …  RPO …` for one drill.
        static func line(_ drill: DrillSummary) -> String {
            var parts = [drill.id, drill.environment, drill.startedAt.map(StewardDate.format) ?? "-"]
            switch drill.state {
            case .running:
                parts.append("running")
            case .completed:
                parts.append("objectives \(drill.outcome?.rawValue ?? "?")")
                parts.append("RTO \(drill.rtoSeconds.map(DrillReport.duration) ?? "-")")
                parts.append("RPO \(drill.rpoSeconds.map(DrillReport.duration) ?? "-")")
            case .failed:
                parts.append("FAILED" + (drill.stage.map { " at \($0)" } ?? "") + (drill.error.map { ": \($0)" } ?? ""))
            }
            return parts.joined(separator: "  ")
        }
    }
}
