import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward drill …`: exercises of the recovery procedures.
    struct Drill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run recovery drills against an environment without touching it.",
            subcommands: [DisasterRecovery.self, List.self]
        )

        /// `steward drill dr --env ENV`.
        struct DisasterRecovery: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "dr",
                abstract: "Restore an environment into a fresh one beside it and report the RTO and RPO achieved.",
                discussion: """
                    The control plane picks the newest backup (verified first) of every postgres dependency taken \
                    in the environment, creates a scratch PostgreSQL cluster on a free loopback port, restores \
                    them, starts the services serving the environment as drill instances on new ports against \
                    it (never the real database, never routed by the proxy), waits for their readiness probes, \
                    runs their smoke commands, and tears everything down, also on failure. RTO is the time from \
                    the start to every drill instance healthy; RPO the age, at the start, of the oldest restored \
                    backup's snapshot. Both are judged against the stack's `recovery:` (rto, rpo). Stages and \
                    their times are shown live on stderr; the result goes to stdout, the Markdown report to \
                    DATA/drills/ID.md on the control plane. Exit codes: 0 the drill ran and met the objectives \
                    (or the stack declares none), 5 it ran but missed RTO or RPO, 1 it could not run (restore, \
                    start, readiness or smoke failed), 2 refused by the server (role, no backup, unknown \
                    environment), 3 server unreachable.
                    """)
            @Option(name: .customLong("env"), help: "The environment to drill.") var environment: String
            @Option(help: "Stop following after this many seconds (exit 1; the drill goes on).") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                guard !environment.isEmpty else { throw ValidationError("--env must name an environment") }
                guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
            }

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    let body = try JSONEncoder.steward.encode(["environment": environment])
                    let data = try await client.send("POST", "/api/v1/drills", body: body)
                    let started = try JSONDecoder.steward.decode(DrillReport.self, from: data)
                    printError("drill \(started.id) of \(started.environment) started")
                    let (report, final) = try await DrillFollower(client: client).follow(started.id, timeout: timeout)
                    if options.output == .json {
                        printJSON(final)
                    } else {
                        print(Self.text(report))
                    }
                    switch (report.state, report.verdict?.outcome) {
                    case (.failed, _): throw CLIError.failed("drill \(report.id) failed: \(report.error ?? "no reason given")")
                    case (_, .missed?): throw CLIError.objectivesMissed(report.outcomeText)
                    default: break
                    }
                }
            }

            /// The result for people: the figures against the objectives, and where the report is.
            static func text(_ report: DrillReport) -> String {
                func figure(_ name: String, _ seconds: Double?, _ check: DrillVerdict.Check?, _ objective: TimeSpan?) -> String {
                    let achieved = seconds.map(DrillReport.duration) ?? "not reached"
                    let judged = check.map { " (objective \($0.objective): \($0.met ? "met" : "MISSED"))" }
                        ?? (objective == nil ? " (objective not declared)" : "")
                    return "\(name) achieved: \(achieved)\(judged)"
                }
                var lines = ["drill \(report.id) of \(report.environment): \(report.outcomeText)"]
                lines.append(figure("RTO", report.rtoSeconds, report.verdict?.rto, report.objectives?.rto))
                lines.append(figure("RPO", report.rpoSeconds, report.verdict?.rpo, report.objectives?.rpo))
                for backup in report.backups {
                    lines.append("restored \(backup.dependency) from backup \(backup.backup) (snapshot \(StewardDate.format(backup.snapshotAt)))")
                }
                if let error = report.error { lines.append("error: \(error)") }
                if let path = report.reportPath { lines.append("report: \(path)") }
                return lines.joined(separator: "\n")
            }
        }
    }
}
