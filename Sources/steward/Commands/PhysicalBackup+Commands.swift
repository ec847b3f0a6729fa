import ArgumentParser
import Foundation
import StewardBackup
import StewardCore

extension Steward.Backup.Physical {
    /// `steward backup physical setup DEPENDENCY`.
    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write pgBackRest's configuration, create the stanza, and say which archiving settings are missing.",
            discussion: "Steward does not restart PostgreSQL: it prints the ALTER SYSTEM statements to run and asks for the restart.")
        @OptionGroup var options: PhysicalBackupOptions

        func run() async throws {
            try await reportingBackupErrors {
                let driver = try options.driver()
                let stanza = options.dependency
                try driver.writeConfiguration()
                try await driver.stanzaCreate(stanza)
                let gaps = try await driver.archivingGaps(stanza)
                let archiving = try driver.archiving(stanza)
                let report = PhysicalSetupReport(
                    stanza: stanza, configuration: driver.configuration.file, repository: driver.configuration.repository,
                    archivingConfigured: gaps.isEmpty, gaps: gaps, alterSystem: archiving.alterSystemStatements,
                    postgresqlConf: archiving.configurationLines)
                if options.output == .json { return try printJSON(encoding: report) }
                print("wrote \(report.configuration); stanza \(stanza) is ready in \(report.repository)")
                if gaps.isEmpty { return print("WAL archiving is configured; run `steward backup physical check \(stanza)`") }
                print("WAL archiving is not configured yet:")
                for gap in gaps { print("  \(gap)") }
                print("Run as a superuser, then restart PostgreSQL and run `steward backup physical check \(stanza)`:")
                for statement in report.alterSystem { print("  \(statement);") }
            }
        }
    }

    /// `steward backup physical check DEPENDENCY`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the cluster archives WAL to the repository (pgbackrest check).")
        @OptionGroup var options: PhysicalBackupOptions

        func run() async throws {
            try await reportingBackupErrors {
                try await options.driver().check(options.dependency)
                if options.output == .json { return try printJSON(encoding: ["stanza": options.dependency, "status": "ok"]) }
                print("stanza \(options.dependency): WAL archiving works")
            }
        }
    }

    /// `steward backup physical create DEPENDENCY --type full|diff|incr`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a full, differential or incremental backup.")
        @OptionGroup var options: PhysicalBackupOptions
        @Option(help: "full, diff (changes since the last full) or incr (changes since the last backup).")
        var type: PgBackRestBackupType = .incr

        func run() async throws {
            try await reportingBackupErrors {
                let backup = try await options.driver().backup(options.dependency, type: type)
                if options.output == .json { return try printJSON(encoding: backup) }
                print(PhysicalBackupText.line(backup))
            }
        }
    }

    /// `steward backup physical info DEPENDENCY`.
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the backups in the repository, oldest first, with the archived WAL range.")
        @OptionGroup var options: PhysicalBackupOptions

        func run() async throws {
            try await reportingBackupErrors {
                let info = try await options.driver().info(options.dependency)
                if options.output == .json { return try printJSON(encoding: info) }
                print("stanza \(info.name): \(info.statusMessage); WAL \(info.walMin ?? "none")…\(info.walMax ?? "none")")
                for backup in info.backups { print(PhysicalBackupText.line(backup)) }
            }
        }
    }

    /// `steward backup physical expire DEPENDENCY`.
    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply retentionFull / retentionDiff (pgBackRest expire); never breaks a kept backup's chain.")
        @OptionGroup var options: PhysicalBackupOptions

        func run() async throws {
            try await reportingBackupErrors {
                let removed = try await options.driver().expire(options.dependency)
                if options.output == .json { return try printJSON(encoding: ["removed": removed]) }
                print(removed.isEmpty ? "nothing to expire" : "expired: \(removed.joined(separator: ", "))")
            }
        }
    }
}

/// `steward backup physical setup --output json`.
struct PhysicalSetupReport: Encodable {
    var stanza: String
    var configuration: String
    var repository: String
    var archivingConfigured: Bool
    var gaps: [String]
    var alterSystem: [String]
    var postgresqlConf: [String]
}

extension PgBackRestBackupType: ExpressibleByArgument {}
