import Foundation

/// The server settings that send every WAL segment to pgBackRest, and what is missing from a
/// server's current ones.
///
/// Point-in-time recovery replays archived WAL on top of a backup, so without these settings a
/// backup can be taken but never rolled forward. `wal_level` and `archive_mode` take effect only
/// after a restart, which Steward leaves to the operator: ``alterSystemStatements`` are the exact
/// statements to run, then restart PostgreSQL.
public struct PgBackRestArchiving: Sendable, Equatable {
    /// The setting names and values, in the order they are applied.
    public var settings: [(name: String, value: String)] {
        [("wal_level", "replica"), ("archive_mode", "on"), ("archive_command", archiveCommand)]
    }

    /// `pgbackrest --config=FILE --stanza=NAME archive-push %p`.
    public let archiveCommand: String
    /// The stanza the WAL is pushed to.
    public let stanza: String

    /// The settings for `stanza` of the configuration in `configurationFile`.
    public init(configurationFile: String, stanza: String, executable: String = "pgbackrest") {
        self.stanza = stanza
        archiveCommand = "\(executable) --config=\(configurationFile) --stanza=\(stanza) archive-push %p"
    }

    /// `ALTER SYSTEM SET name = 'value'` for each setting (quotes doubled); a restart must follow.
    public var alterSystemStatements: [String] {
        settings.map { "ALTER SYSTEM SET \($0.name) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'" }
    }

    /// The lines for `postgresql.conf`, for an operator who manages the file by hand.
    public var configurationLines: [String] {
        settings.map { "\($0.name) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'" }
    }

    /// One server setting as `pg_settings` reports it.
    public struct Current: Sendable, Equatable {
        /// The value in effect.
        public var value: String
        /// Changed in the configuration but not in effect until a restart.
        public var pendingRestart: Bool

        public init(value: String, pendingRestart: Bool = false) {
            self.value = value
            self.pendingRestart = pendingRestart
        }
    }

    /// A sentence for each setting that does not archive to this stanza; empty when archiving works.
    ///
    /// `logical` satisfies `wal_level` and `always` satisfies `archive_mode` (both are supersets).
    /// Any `archive_command` that runs pgBackRest's `archive-push` for this stanza is accepted, so an
    /// operator's own path to the binary is fine.
    /// - Parameter current: `name -> setting` from `pg_settings`; a missing name counts as unset.
    public func gaps(in current: [String: Current]) -> [String] {
        var gaps = [String]()
        func describe(_ name: String, _ expected: String) -> String {
            guard let setting = current[name] else { return "\(name) is not reported by the server (expected \(expected))" }
            let shown = setting.value.isEmpty ? "empty" : "'\(setting.value)'"
            let restart = setting.pendingRestart ? "; it was changed but PostgreSQL has not been restarted since" : ""
            return "\(name) is \(shown) (expected \(expected))\(restart)"
        }
        if !["replica", "logical"].contains(current["wal_level"]?.value ?? "") || current["wal_level"]?.pendingRestart == true {
            gaps.append(describe("wal_level", "'replica' or 'logical'"))
        }
        if !["on", "always"].contains(current["archive_mode"]?.value ?? "") || current["archive_mode"]?.pendingRestart == true {
            gaps.append(describe("archive_mode", "'on'"))
        }
        let command = current["archive_command"]?.value ?? ""
        let pushesHere = command.contains("pgbackrest") && command.contains("archive-push")
            && command.split(separator: " ").contains("--stanza=\(stanza)")
        if command == "(disabled)" {
            // What PostgreSQL shows for any archive_command while archive_mode is off: the value cannot be checked.
            gaps.append("archive_command is not in effect while archive_mode is off (expected '\(archiveCommand)')")
        } else if !pushesHere {
            gaps.append(describe("archive_command", "'\(archiveCommand)'"))
        }
        return gaps
    }
}
