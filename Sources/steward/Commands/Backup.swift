import ArgumentParser
import Foundation
import StewardBackup
import StewardCore
import StewardOps

extension Steward {
    /// `steward backup …`: verified logical backups of the stack's PostgreSQL dependencies.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take, list, verify, restore and prune backups of postgres dependencies.",
            discussion: """
                Backups are taken by the control plane (pg_dump, custom format) into DATA/backups with a manifest \
                of every table's row count and the artifact's SHA-256. Verify restores one into a scratch database \
                and checks it; restore builds the database beside the target and swaps names, stopping the \
                services that use it only for the swap. Exit codes: 0 done, 1 the operation failed, 2 refused \
                by the server (role, unknown backup), 3 server unreachable.
                """,
            subcommands: [
                Create.self, List.self, Show.self, Verify.self, Restore.self, Prune.self, Schedules.self, Physical.self,
            ]
        )

        /// `steward backup create DEPENDENCY --env ENV [--wait]`.
        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Take a backup of a postgres dependency in an environment.",
                discussion: "With --wait, shows the bytes written and the rate live, then the backup (verified after, when the stack's `backups:` entry says `verify: true`).")
            @Argument(help: "The postgres dependency.") var dependency: String
            @Option(name: .customLong("env"), help: "The environment whose URL and secrets to use.") var environment: String
            @Flag(help: "Follow the backup until it is taken (and verified).") var wait = false
            @Option(help: "Stop following after this many seconds (exit 1; the backup goes on).") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    let body = try JSONEncoder.steward.encode(["dependency": dependency, "environment": environment])
                    let data = try await client.send("POST", "/api/v1/backups", body: body)
                    let operation = try JSONDecoder.steward.decode(BackupOperation.self, from: data)
                    try await finish(operation, data: data, wait: wait, timeout: timeout, client: client, output: options.output)
                }
            }
        }

        /// `steward backup list [--env ENV]`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List backups, newest first.")
            @Option(name: .customLong("env"), help: "Only backups of this environment.") var environment: String?
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await options.client().send("GET", "/api/v1/backups\(query)")
                    if options.output == .json { return printJSON(data) }
                    let views = try JSONDecoder.steward.decode([BackupView].self, from: data)
                    if views.isEmpty { return print("no backups") }
                    for view in views { print(BackupFollower.describe(view)) }
                }
            }
        }

        /// `steward backup show ID`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a backup: tables, checksum, verification.")
            @Argument(help: "The backup's id.") var id: String
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let data = try await options.client().send("GET", "/api/v1/backups/\(id.urlPathEncoded)")
                    if options.output == .json { return printJSON(data) }
                    Backup.printDetails(try JSONDecoder.steward.decode(BackupView.self, from: data))
                }
            }
        }

        /// `steward backup verify ID [--wait]`.
        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Restore a backup into a scratch database and check it (checksum, row counts, integrity queries).",
                discussion: "With --wait, exit 0 when it passed and 1 when it did not, with every failure.")
            @Argument(help: "The backup's id.") var id: String
            @Flag(help: "Follow the verification until it ends.") var wait = false
            @Option(help: "Stop following after this many seconds.") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    let data = try await client.send("POST", "/api/v1/backups/\(id.urlPathEncoded)/verify")
                    let operation = try JSONDecoder.steward.decode(BackupOperation.self, from: data)
                    try await finish(operation, data: data, wait: wait, timeout: timeout, client: client, output: options.output)
                }
            }
        }

        /// `steward backup restore ID [--force] [--database NAME] [--wait]`.
        struct Restore: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Restore a backup into its database (asks to type the environment's name; --yes when not interactive).",
                discussion: """
                    The backup is restored beside the target and checked; then the services of the environment \
                    that use the dependency stop, the names are swapped (the old database is kept as \
                    NAME_before_ID) and the services start again, whatever happened. A target that holds tables \
                    is refused unless --force. --database restores into another database on the same server \
                    (nothing stops).
                    """)
            @Argument(help: "The backup's id.") var id: String
            @Flag(help: "Replace a target that holds tables.") var force = false
            @Option(help: "Restore into this database instead of the dependency's own.") var database: String?
            @Flag(help: "Do not ask for confirmation.") var yes = false
            @Flag(help: "Follow the restore until it ends.") var wait = false
            @Option(help: "Stop following after this many seconds.") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                // Never replace a database on a script's behalf by accident: no terminal to ask, no go.
                if !yes, isatty(STDIN_FILENO) == 0 {
                    throw ValidationError("restore replaces a database; stdin is not a terminal to confirm on, so pass --yes")
                }
            }

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    if !yes {
                        let view = try JSONDecoder.steward.decode(
                            BackupView.self, from: try await client.send("GET", "/api/v1/backups/\(id.urlPathEncoded)"))
                        let target = database ?? view.manifest?.database ?? view.dependency
                        printError("Restoring \(id) into \(target) (\(view.dependency) in \(view.environment))\(force ? ", replacing what it holds" : "").")
                        FileHandle.standardError.write(Data("Type the environment's name to confirm: ".utf8))
                        guard readLine()?.trimmingCharacters(in: .whitespaces) == view.environment else {
                            throw CLIError.failed("not confirmed: nothing was restored")
                        }
                    }
                    struct Body: Encodable {
                        var force: Bool
                        var database: String?
                    }
                    let data = try await client.send(
                        "POST", "/api/v1/backups/\(id.urlPathEncoded)/restore",
                        body: try JSONEncoder.steward.encode(Body(force: force, database: database)))
                    let operation = try JSONDecoder.steward.decode(BackupOperation.self, from: data)
                    try await finish(operation, data: data, wait: wait, timeout: timeout, client: client, output: options.output)
                }
            }
        }

        /// `steward backup prune --env ENV [--dry-run]`.
        struct Prune: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete the backups retention does not keep; --dry-run lists every backup and why, and deletes nothing.",
                discussion: "The policy is the `backups:` entry's `retention`, else the environment's `backupRetention`; the newest verified backup is always kept.")
            @Option(name: .customLong("env"), help: "The environment.") var environment: String
            @Flag(help: "Say what would be deleted and why; delete nothing.") var dryRun = false
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    struct Body: Encodable {
                        var environment: String
                        var dryRun: Bool
                    }
                    let data = try await options.client().send(
                        "POST", "/api/v1/backups/prune",
                        body: try JSONEncoder.steward.encode(Body(environment: environment, dryRun: dryRun)))
                    if options.output == .json { return printJSON(data) }
                    struct Answer: Decodable {
                        var deleted: Int
                        var items: [BackupPruneItem]
                    }
                    let answer = try JSONDecoder.steward.decode(Answer.self, from: data)
                    if answer.items.isEmpty { return print("\(environment): no backups") }
                    for item in answer.items {
                        let verdict = item.keep ? "keep  " : (item.deleted ? "delete" : "would delete")
                        print("\(verdict)  \(item.backup)  \(item.dependency)\(item.verified ? "  verified" : "")  \(item.reasons.joined(separator: "; "))")
                    }
                    print(dryRun ? "dry run: nothing was deleted" : "\(answer.deleted) deleted")
                }
            }
        }

        /// `steward backup schedules [--env ENV]`.
        struct Schedules: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List scheduled backups: next fire time, last run, and what happens after a downtime.",
                discussion: """
                    Each `backups:` entry with a `schedule` (five-field cron, read in its `timeZone`) runs in every \
                    environment of the stack: a backup, verified when the entry says so, then retention for that \
                    dependency. A fire time missed while the control plane was down runs once when it is back, \
                    never a burst. Times are UTC.
                    """)
            @Option(name: .customLong("env"), help: "Only the schedules of this environment.") var environment: String?
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await options.client().send("GET", "/api/v1/backups/schedules\(query)")
                    if options.output == .json { return printJSON(data) }
                    let schedules = try JSONDecoder.steward.decode([ScheduleView].self, from: data)
                    if schedules.isEmpty { return print("no scheduled backups (add `schedule:` to a `backups:` entry)") }
                    for schedule in schedules {
                        let next = schedule.nextFireAt.map { "next \(StewardDate.format($0))" } ?? "never fires"
                        print("\(schedule.id)  \(schedule.cron) (\(schedule.timeZone))  \(next)\(schedule.running ? "  running" : "")")
                        guard let last = schedule.lastRun else {
                            print("  no run yet")
                            continue
                        }
                        var line = "  last run for \(StewardDate.format(last.scheduledFor)), started \(StewardDate.format(last.firedAt))"
                        if last.missed > 0 { line += " (\(last.missed) earlier fire time\(last.missed == 1 ? "" : "s") missed)" }
                        if let backup = last.backup { line += ": backup \(backup)" }
                        if let error = last.error { line += ": not started: \(error)" }
                        print(line)
                    }
                    print("after a downtime: \(ScheduleView.policy)")
                }
            }
        }

        /// Prints what was started, or follows it to the end with `wait`.
        static func finish(
            _ operation: BackupOperation, data: Data, wait: Bool, timeout: Int, client: APIClient, output: OutputFormat
        ) async throws {
            guard wait else {
                if output == .json { return printJSON(data) }
                return print("\(operation.kind.rawValue) of backup \(operation.backup) started (follow with `steward backup show \(operation.backup)`)")
            }
            let (view, final) = try await BackupFollower(client: client, output: output).follow(operation.backup, timeout: timeout)
            if output == .json { return printJSON(final) }
            printDetails(view)
        }

        /// A backup in full, for `show` and the end of a followed operation.
        static func printDetails(_ view: BackupView) {
            print(BackupFollower.describe(view))
            if let manifest = view.manifest {
                print("  taken \(StewardDate.format(manifest.createdAt)) from \(manifest.source) (PostgreSQL \(manifest.serverVersion)) in \(String(format: "%.1f", manifest.durationSeconds))s")
                print("  sha256 \(manifest.sha256)")
                for table in manifest.tables { print("  \(table.qualifiedName): \(table.rows) rows") }
            }
            if let verification = view.verification {
                print("  verified \(StewardDate.format(verification.verifiedAt)): \(verification.passed ? "passed" : "FAILED")")
                for failure in verification.failures { print("    \(failure)") }
            }
            if let operation = view.operation {
                var line = "  last operation: \(operation.kind.rawValue) \(operation.state.rawValue) (by \(operation.startedBy))"
                if let target = operation.target { line += ", into \(target)" }
                if let previous = operation.previousDatabase { line += ", previous kept as \(previous)" }
                if let error = operation.error { line += ": \(error)" }
                print(line)
            }
        }
    }
}
