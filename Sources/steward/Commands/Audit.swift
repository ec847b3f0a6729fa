import ArgumentParser
import Foundation
import StewardCore
import StewardStore

extension Steward {
    /// `steward audit …`.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit trail.", subcommands: [Verify.self])

        /// `steward audit verify`: recompute the hash chain of the event log.
        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Verify the event log's hash chain and name any edited, inserted or deleted entry.",
                discussion: "Asks the control plane, or with --database reads a log file directly. Exit 0 intact, 1 tampered."
            )

            @Option(help: "Verify this log file directly instead of asking the server (e.g. .steward/steward.db).")
            var database: String?

            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let report: AuditReport
                    var data: Data
                    if let database {
                        guard FileManager.default.fileExists(atPath: database) else {
                            throw CLIError.failed("no event log at \(database)")
                        }
                        do {
                            report = try EventLog.open(path: database).verify()
                        } catch {
                            throw CLIError.failed("cannot read \(database): \(error)")
                        }
                        data = try JSONEncoder.steward.encode(report)
                    } else {
                        data = try await options.client().send("GET", "/api/v1/audit/verify")
                        report = try JSONDecoder.steward.decode(AuditReport.self, from: data)
                    }
                    if options.output == .json {
                        printJSON(data)
                    } else if report.isIntact {
                        print("audit log intact: \(report.checked) events, hash chain verified")
                    } else {
                        for problem in report.problems { print(problem.message) }
                    }
                    if !report.isIntact {
                        throw CLIError.failed("audit log tampered: \(report.problems.count) problem(s) in \(report.checked) events")
                    }
                }
            }
        }
    }
}
