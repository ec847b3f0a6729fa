import ArgumentParser
import Foundation
import Logging
import StewardBackup
import StewardCore

extension Steward.Backup {
    /// `steward backup physical …`: pgBackRest on the database host, from the stack file's `physical:` entries.
    ///
    /// A local command, not an API call: pgBackRest reads the data directory and is started by the
    /// server's `archive_command`, so it runs where PostgreSQL runs, as the cluster's owner.
    struct Physical: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Physical backups and point-in-time recovery through pgBackRest (run on the database host).",
            discussion: """
                Reads the `physical:` mapping of the dependency's `backups:` entry in the stack file, writes \
                pgBackRest's configuration (0700 directory, 0600 files, no password) and runs pgBackRest as the \
                cluster's system user. Start with `setup`, apply the WAL archiving settings it prints, restart \
                PostgreSQL, then `check`. Exit codes: 0 done, 1 failed, 64 bad arguments or stack file.
                """,
            subcommands: [Setup.self, Check.self, Create.self, Info.self, Restore.self, Expire.self]
        )
    }
}

/// What every `steward backup physical` command takes: the dependency and the stack file.
struct PhysicalBackupOptions: ParsableArguments {
    @Argument(help: "The postgres dependency whose backups entry has `physical:` (the pgBackRest stanza).")
    var dependency: String

    @Option(name: .long, help: "The stack file.")
    var file: String = "steward.yaml"

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    /// The driver for the stack file's physical backups that include `dependency`.
    /// - Throws: ``CLIError`` when the file cannot be read or parsed; ``ExitCode`` 64 when it names no such backup.
    func driver() throws -> PgBackRestDriver {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError.failed("cannot read \(file): no such file or not readable")
        }
        let stack: StackSpec
        switch StackFile.parse(String(decoding: data, as: UTF8.self), file: file) {
        case .success(let spec): stack = spec
        case .failure(let errors):
            for error in errors.errors { printError(error.description) }
            printError("\(file): \(errors.errors.count) problem(s); run `steward validate \(file)`")
            throw ExitCode(64)
        }
        do {
            let configuration = try PgBackRestConfiguration.forDependency(dependency, in: stack)
            return PgBackRestDriver(configuration: configuration, logger: Logger(label: "steward.pgbackrest"))
        } catch let error as BackupError {
            printError("error: \(error.message)")
            throw ExitCode(64)
        }
    }
}

/// Runs a physical-backup command body: a ``BackupError`` becomes `error: …` on stderr and exit 64
/// for bad input, 1 for everything else.
func reportingBackupErrors(_ body: () async throws -> Void) async throws {
    try await reportingErrors {
        do {
            try await body()
        } catch let error as BackupError {
            printError("error: \(error.message)")
            throw ExitCode(error.kind == .invalid ? 64 : 1)
        }
    }
}

/// Prints `value` as JSON (Steward's dates) on stdout.
func printJSON(encoding value: some Encodable) throws {
    printJSON(try JSONEncoder.steward.encode(value))
}
