import ArgumentParser
import Foundation
import StewardCore
import StewardOps

extension Steward {
    /// `steward migrate …`: versioned SQL migrations of the stack's PostgreSQL dependencies.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, apply and revert the SQL migrations of a postgres dependency.",
            discussion: """
                A dependency's `migrations:` directory holds VERSION_NAME.up.sql and optional VERSION_NAME.down.sql \
                files (docs/migrations.md). The control plane runs them one transaction each, under the database's \
                migration lock, after a verified backup where the environment says so (backupBeforeMigrate, on by \
                default in production). Exit codes: 0 done, 1 the run failed or was refused (drift, a failing \
                migration: rolled back), 2 refused by the server (role, unknown dependency, bad directory), \
                3 server unreachable, 64 invalid usage.
                """,
            subcommands: [Status.self, Up.self, Down.self]
        )

        /// `steward migrate status DEPENDENCY [--env ENV] [--check]`.
        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Each migration (applied, pending, drifted, missing) in one environment or all.",
                discussion: "With --check, exit 1 when any migration is not applied (pending, drifted, missing) or the history cannot be read: a pre-deployment check.")
            @Argument(help: "The postgres dependency.") var dependency: String
            @Option(name: .customLong("env"), help: "Only this environment.") var environment: String?
            @Flag(help: "Exit 1 unless every migration is applied.") var check = false
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await options.client().send("GET", "/api/v1/migrations/\(dependency.urlPathEncoded)\(query)")
                    let views = try JSONDecoder.steward.decode([MigrationStatusView].self, from: data)
                    if options.output == .json { printJSON(data) } else { views.forEach(Migrate.printStatus) }
                    if let broken = views.first(where: { $0.error != nil }) {
                        throw CLIError.failed("\(broken.environment): \(broken.error ?? "")")
                    }
                    let behind = views.flatMap { view in
                        view.migrations.filter { $0.state != .applied }.map { "\($0.version) (\($0.name)) \($0.state.rawValue) in \(view.environment)" }
                    }
                    if check, let first = behind.first {
                        throw CLIError.failed("\(behind.count) migration(s) not applied, first \(first)")
                    }
                }
            }
        }

        /// `steward migrate up DEPENDENCY --env ENV [--to V] [--wait]`.
        struct Up: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Apply the pending migrations in version order (up to --to).",
                discussion: "Refused, with nothing run, when an applied migration's file changed (drift) or is gone. With --wait, shows each step and exits 0 when every migration applied (and the integrity queries held), 1 otherwise.")
            @Argument(help: "The postgres dependency.") var dependency: String
            @Option(name: .customLong("env"), help: "The environment whose database to migrate.") var environment: String
            @Option(help: "The last version to apply (default: the latest).") var to: Int?
            @Flag(help: "Follow the run until it ends.") var wait = false
            @Option(help: "Stop following after this many seconds (exit 1; the run goes on).") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                if let to, to < 1 { throw ValidationError("--to must be a version of 1 or more, found \(to)") }
            }

            func run() async throws {
                try await reportingErrors {
                    try await Migrate.start(
                        .up, dependency: dependency, environment: environment, to: to, wait: wait, timeout: timeout,
                        options: options)
                }
            }
        }

        /// `steward migrate down DEPENDENCY --env ENV --to V [--yes] [--wait]`.
        struct Down: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revert the applied migrations above --to, newest first (asks to type the environment's name; --yes when not interactive).",
                discussion: "Each migration's .down.sql runs in its own transaction; a migration without one stops the run before anything is reverted. --to 0 reverts every migration.")
            @Argument(help: "The postgres dependency.") var dependency: String
            @Option(name: .customLong("env"), help: "The environment whose database to migrate.") var environment: String
            @Option(help: "The version to go back to (0: none applied).") var to: Int
            @Flag(help: "Do not ask for confirmation.") var yes = false
            @Flag(help: "Follow the run until it ends.") var wait = false
            @Option(help: "Stop following after this many seconds (exit 1; the run goes on).") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                if to < 0 { throw ValidationError("--to must be a version of 0 or more, found \(to)") }
                // Reverting can drop data: no terminal to ask on, no go without --yes.
                if !yes, isatty(STDIN_FILENO) == 0 {
                    throw ValidationError("down reverts migrations; stdin is not a terminal to confirm on, so pass --yes")
                }
            }

            func run() async throws {
                try await reportingErrors {
                    if !yes {
                        printError("Reverting \(dependency) in \(environment) to version \(to).")
                        FileHandle.standardError.write(Data("Type the environment's name to confirm: ".utf8))
                        guard readLine()?.trimmingCharacters(in: .whitespaces) == environment else {
                            throw CLIError.failed("not confirmed: nothing was reverted")
                        }
                    }
                    try await Migrate.start(
                        .down, dependency: dependency, environment: environment, to: to, wait: wait, timeout: timeout,
                        options: options)
                }
            }
        }

        /// Starts a run, then prints it or follows it to the end.
        static func start(
            _ direction: MigrationFileName.Direction, dependency: String, environment: String, to: Int?, wait: Bool,
            timeout: Int, options: ClientOptions
        ) async throws {
            struct Body: Encodable {
                var environment: String
                var to: Int?
            }
            let client = options.client()
            let data = try await client.send(
                "POST", "/api/v1/migrations/\(dependency.urlPathEncoded)/\(direction.rawValue)",
                body: try JSONEncoder.steward.encode(Body(environment: environment, to: to)))
            let operation = try JSONDecoder.steward.decode(MigrationOperation.self, from: data)
            guard wait else {
                if options.output == .json { return printJSON(data) }
                return print(
                    "migrate \(direction.rawValue) of \(dependency) in \(environment) started as run \(operation.run) "
                        + "(follow with `steward migrate status \(dependency) --env \(environment)`)")
            }
            let (view, final) = try await MigrationFollower(client: client, output: options.output).follow(
                operation, timeout: timeout)
            if options.output == .json { return printJSON(final) }
            printStatus(view)
        }

        /// One environment's migrations and its latest run, for people.
        static func printStatus(_ view: MigrationStatusView) {
            print("\(view.dependency) in \(view.environment) (\(view.directory)\(view.backupFirst ? "; a verified backup before each run" : ""))")
            if let error = view.error { print("  \(error)") }
            for migration in view.migrations {
                let version = String(repeating: "0", count: max(0, 4 - String(migration.version).count)) + String(migration.version)
                var line = "  \(version)  \(migration.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(migration.name)"
                if let appliedAt = migration.appliedAt, migration.state == .applied { line += "  applied \(StewardDate.format(appliedAt))" }
                if migration.state == .drifted {
                    line += "  (applied sha256 \(migration.appliedSHA256 ?? "?"), file sha256 \(migration.fileSHA256 ?? "?"))"
                }
                if !migration.reversible, migration.state != .missing { line += "  (no down file)" }
                print(line)
            }
            if view.migrations.isEmpty, view.error == nil { print("  no migrations") }
            if let run = view.operation { print("  " + MigrationFollower.describe(run)) }
        }
    }
}
