import Foundation
import Logging

/// Physical backups and point-in-time recovery of PostgreSQL clusters through pgBackRest.
///
/// Steward writes pgBackRest's configuration (``writeConfiguration()``), then runs its commands
/// with a controlled environment and turns their results into values: ``stanzaCreate(_:)``,
/// ``check(_:)``, ``backup(_:type:)``, ``info(_:)``, ``expire(_:)`` and
/// ``restore(_:to:into:)``. pgBackRest runs as the cluster's owner (``PgBackRestCluster/systemUser``).
///
/// ```swift
/// let driver = PgBackRestDriver(configuration: configuration, logger: logger)
/// try driver.writeConfiguration()
/// try await driver.stanzaCreate("db")
/// try await driver.check("db")          // says which archiving setting is missing
/// let full = try await driver.backup("db", type: .full)
/// ```
///
/// Retention is pgBackRest's own: ``expire(_:)`` removes a full backup only together with the
/// differentials and incrementals that depend on it, and WAL only where no kept backup needs it,
/// so expiring never breaks a restore chain.
public struct PgBackRestDriver: Sendable {
    /// The configuration Steward writes and passes as `--config`.
    public var configuration: PgBackRestConfiguration
    /// The pgBackRest binary (the Debian package installs `/usr/bin/pgbackrest`).
    public var executable: String
    /// Where `pg_ctl` is, to start a restored cluster.
    public var postgresBinaries: String
    /// How long one pgBackRest command may run before it is killed.
    public var timeout: Duration
    let logger: Logger

    public init(
        configuration: PgBackRestConfiguration, executable: String = "/usr/bin/pgbackrest",
        postgresBinaries: String = "/usr/lib/postgresql/15/bin", timeout: Duration = .seconds(24 * 3600),
        logger: Logger
    ) {
        self.configuration = configuration
        self.executable = executable
        self.postgresBinaries = postgresBinaries
        self.timeout = timeout
        self.logger = logger
    }

    /// The settings that archive `stanza`'s WAL to this repository, to apply with `ALTER SYSTEM`
    /// and a restart, or to print for the operator.
    public func archiving(_ stanza: String) throws -> PgBackRestArchiving {
        _ = try configuration.cluster(stanza)
        return PgBackRestArchiving(configurationFile: configuration.file, stanza: stanza, executable: executable)
    }

    /// Creates the stanza in the repository (idempotent: a stanza that matches the cluster is left alone).
    public func stanzaCreate(_ stanza: String) async throws {
        _ = try await run(stanza, "stanza-create")
    }

    /// Takes a backup of `type` and returns it as `info` lists it.
    ///
    /// pgBackRest waits until the WAL the backup needs is archived, so a backup that returns can be
    /// restored. A `diff` or `incr` without a full backup before it becomes a full one (pgBackRest's
    /// rule); the returned ``PgBackRestBackup/type`` says what was taken.
    public func backup(_ stanza: String, type: PgBackRestBackupType) async throws -> PgBackRestBackup {
        let before = try await info(stanza).backups.map(\.label)
        _ = try await run(stanza, "backup", ["--type=\(type.rawValue)"])
        guard let taken = try await info(stanza).backups.last, !before.contains(taken.label) else {
            throw BackupError(.failed, "pgbackrest backup of stanza \(stanza) succeeded but info lists no new backup")
        }
        logger.info("pgbackrest backup taken", metadata: ["stanza": "\(stanza)", "label": "\(taken.label)"])
        return taken
    }

    /// The stanza's backups and archived WAL range from `info --output=json`.
    public func info(_ stanza: String) async throws -> PgBackRestStanzaInfo {
        let output = try await run(stanza, "info", ["--output=json"])
        guard let info = try PgBackRestStanzaInfo.stanzas(fromInfoJSON: output).first(where: { $0.name == stanza }) else {
            throw BackupError(.failed, "pgbackrest info does not list stanza \(stanza)")
        }
        return info
    }

    /// Applies the retention (`repo1-retention-full`, `repo1-retention-diff`) and returns the
    /// labels of the backups it removed.
    ///
    /// The chain rule is pgBackRest's: a full backup goes only with everything that references it,
    /// and archived WAL only where no kept backup needs it for consistency or point-in-time recovery.
    public func expire(_ stanza: String) async throws -> [String] {
        let before = try await info(stanza).backups.map(\.label)
        _ = try await run(stanza, "expire")
        let after = Set(try await info(stanza).backups.map(\.label))
        return before.filter { !after.contains($0) }
    }

    /// Runs `pgbackrest --config=… --stanza=STANZA COMMAND OPTIONS` as the cluster's owner.
    /// - Returns: its stdout.
    /// - Throws: ``BackupError`` (`failed`) with pgBackRest's own error when it exits non-zero.
    func run(_ stanza: String, _ command: String, _ options: [String] = []) async throws -> Data {
        let cluster = try configuration.cluster(stanza)
        let runner = ClusterCommand(systemUser: cluster.systemUser, environment: environment(for: cluster), timeout: timeout)
        let output = try await runner.run(
            executable, ["--config=\(configuration.file)", "--stanza=\(stanza)"] + options + [command])
        guard output.status == 0 else {
            let said = output.stderr.isEmpty ? "no error output" : output.stderr
            throw BackupError(.failed, "pgbackrest \(command) for stanza \(stanza) failed (exit \(output.status)): \(said)")
        }
        return output.stdout
    }

    /// The environment pgBackRest gets: nothing inherited (no stray `PGBACKREST_*` option), UTC
    /// times, and the cluster's pgpass file when its role has a password.
    func environment(for cluster: PgBackRestCluster) -> [String: String] {
        [
            "PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC",
            "PGPASSFILE": cluster.password == nil ? "/dev/null" : passFile(cluster.stanza),
            "PGSYSCONFDIR": configuration.directory, "PGAPPNAME": "steward-pgbackrest",
        ]
    }

    /// `DIRECTORY/pgpass-STANZA`, the 0600 file with the stanza's password.
    func passFile(_ stanza: String) -> String { "\(configuration.directory)/pgpass-\(stanza)" }
}
