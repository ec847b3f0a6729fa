import ArgumentParser
import Foundation
import StewardBackup
import StewardCore

extension Steward.Backup.Physical {
    /// `steward backup physical restore DEPENDENCY --to-time T --into DIR [--port P]`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore the cluster as it was at a moment into a new data directory beside the live one.",
            discussion: """
                Starts from the newest backup that finished before --to-time and replays archived WAL up to it. \
                The live data directory is never written. With --port, the copy is started on that port and the \
                command returns once it accepts writes; the copy does not archive WAL.
                """)
        @OptionGroup var options: PhysicalBackupOptions
        @Option(name: .customLong("to-time"), help: "The moment, ISO 8601 in UTC, e.g. 2026-11-26T09:26:07.180Z.")
        var toTime: String
        @Option(help: "The new data directory: absolute, not existing yet or empty.")
        var into: String
        @Option(help: "Start the restored cluster on this port once written.")
        var port: Int?

        func validate() throws {
            guard StewardDate.parse(toTime) != nil else {
                throw ValidationError("--to-time '\(toTime)' is not an ISO 8601 moment such as 2026-11-26T09:26:07.180Z")
            }
            guard into.hasPrefix("/") else { throw ValidationError("--into '\(into)' is not an absolute path") }
            if let port, !(1...65535).contains(port) { throw ValidationError("--port \(port) is not between 1 and 65535") }
        }

        func run() async throws {
            try await reportingBackupErrors {
                let driver = try options.driver()
                let target = StewardDate.parse(toTime)!
                let restore = try await driver.restore(options.dependency, to: target, into: into)
                var started: RestoredCluster?
                if let port { started = try await driver.start(restore, port: port) }
                let report = PhysicalRestoreReport(
                    stanza: restore.stanza, dataDirectory: restore.dataDirectory, backup: restore.backup.label,
                    target: restore.target, port: started?.port, socketDirectory: started?.socketDirectory)
                if options.output == .json { return try printJSON(encoding: report) }
                print("restored stanza \(restore.stanza) to \(StewardDate.format(target)) into \(restore.dataDirectory) from \(restore.backup.label)")
                if let started {
                    print("running on port \(started.port) (socket in \(started.socketDirectory)); stop it with pg_ctl -D \(started.dataDirectory) stop")
                } else {
                    print("start it with pg_ctl -D \(restore.dataDirectory) start (set another port first), or pass --port")
                }
            }
        }
    }
}

/// `steward backup physical restore --output json`.
struct PhysicalRestoreReport: Encodable {
    var stanza: String
    var dataDirectory: String
    var backup: String
    var target: Date
    var port: Int?
    var socketDirectory: String?
}

/// One line per pgBackRest backup for people.
enum PhysicalBackupText {
    static func line(_ backup: PgBackRestBackup) -> String {
        let size = "\(backup.sizeBytes) bytes"
        let on = backup.prior.map { " on \($0)" } ?? ""
        return "\(backup.label)  \(backup.type.rawValue)  \(StewardDate.format(backup.startTime)) → \(StewardDate.format(backup.stopTime))  \(size)  WAL \(backup.walStart)…\(backup.walStop)\(on)"
    }
}
