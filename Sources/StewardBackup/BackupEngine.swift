import Foundation
import Logging
import PostgresNIO
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// Creates, verifies, restores and prunes logical PostgreSQL backups in one ``BackupStorage``:
/// a folder (``BackupStore``) or a bucket (``S3BackupStore``).
///
/// Each call is independent and safe to run while the application writes: create reads a
/// snapshot, verify works in a scratch database, restore builds the new database beside the old
/// one and swaps names only once it was checked. Events are the caller's to record
/// (`backup.created`, `backup.verified`, `backup.restored`, `backup.pruned`), after each call returns.
public struct BackupEngine: Sendable {
    /// Where artifacts and manifests are kept.
    public var store: any BackupStorage
    /// `pg_dump` / `pg_restore` and their time limit.
    public var tools: PostgresClientTools
    /// Progress lines; URLs in them never carry a password.
    public var logger: Logger

    public init(store: any BackupStorage, tools: PostgresClientTools = PostgresClientTools(), logger: Logger) {
        self.store = store
        self.tools = tools
        self.logger = logger
    }

    /// What to back up and how to label it.
    public struct CreateRequest: Sendable {
        /// `postgres://user:password@host:port/database`.
        public var url: String
        public var environment: String
        public var dependency: String
        /// The deployment this backup is taken before, if any.
        public var deployment: String?
        /// The id to give the backup (``BackupManifest/newID(at:)`` when nil). The control plane
        /// chooses it up front so `backup.started` and the API's 202 name the backup before it exists.
        public var id: String?

        public init(url: String, environment: String, dependency: String, deployment: String? = nil, id: String? = nil) {
            self.url = url
            self.environment = environment
            self.dependency = dependency
            self.deployment = deployment
            self.id = id
        }
    }

    /// Dumps the database with `pg_dump -Fc` into the store and writes its manifest.
    ///
    /// Row counts are taken in a repeatable-read transaction whose snapshot is exported and handed
    /// to `pg_dump --snapshot`, so the manifest counts exactly what the artifact holds. They run on
    /// that transaction's connection while pg_dump runs (same snapshot), not before it: counting a
    /// large table takes a good share of a dump's time.
    /// - Parameter progress: called with the bytes written so far, from a background thread.
    /// - Returns: the manifest, written after the artifact was fsynced and renamed into place.
    public func create(
        _ request: CreateRequest, progress: @escaping @Sendable (Int64) -> Void = { _ in }
    ) async throws -> BackupManifest {
        let target = try PostgresTarget(url: request.url)
        let clock = ContinuousClock()
        let started = clock.now
        let createdAt = Date()
        let id = request.id ?? BackupManifest.newID(at: createdAt)
        guard BackupManifest.isValidID(id), try await !store.hasManifest(id) else {
            throw BackupError(.invalid, "not a fresh backup id: \(id)")
        }
        let directory = try PrivateDirectory()
        defer { directory.remove() }
        let partial = store.stagingPath(for: id, scratch: directory.path)
        logger.info(
            "backup started", metadata: ["backup": "\(id)", "source": "\(target.redacted)", "store": "\(store.location)"])

        let (version, tables, written) = try await BackupSQL.with(
            target, logger: logger, closeAfter: tools.timeout + .seconds(300)
        ) { sql in
            try await sql.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            guard let snapshot = try await sql.value("SELECT pg_export_snapshot()::text") else {
                throw BackupError(.failed, "the server exported no snapshot")
            }
            // The transaction stays open until pg_dump is done: the snapshot lives as long as it does.
            // pg_dump starts at once; the rest runs meanwhile on this connection, in the same snapshot.
            // A failed query leaves the scope by throwing, which cancels the dump (its process is killed).
            let environment = try tools.environment(for: target, in: directory)
            async let dumped = DumpStream.run(
                tools: tools,
                arguments: ["--format=custom", "--snapshot=\(snapshot)", "--dbname", target.database]
                    + target.clientArguments,
                environment: environment, artifact: partial, directory: directory, progress: progress)
            let version = try await sql.serverVersion()
            // One process per count, not a parallel plan's three: the counts run beside pg_dump and its
            // server process, and pg_dump reads the same rows and more, so a serial count still ends first.
            try await sql.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            // Nor JIT: compiling a count's expressions costs more CPU than it saves, and the cores are
            // pg_dump's. Through pg_settings, so a server older than JIT (before 11) is not an error.
            try await sql.execute("SELECT set_config(name, 'off', true) FROM pg_settings WHERE name = 'jit'")
            let tables = try await sql.tableCounts()
            let written = try await dumped
            // No COMMIT: the transaction only read, and closing the connection ends it without
            // another round trip to a server that may have ended the session meanwhile.
            return (version, tables, written)
        }
        try await store.commitArtifact(id, staged: partial, sha256: written.sha256)
        let manifest = BackupManifest(
            id: id, createdAt: createdAt, environment: request.environment, dependency: request.dependency,
            database: target.database, source: target.redacted, serverVersion: version, artifact: "\(id).dump",
            sizeBytes: written.size, sha256: written.sha256, durationSeconds: Self.seconds(clock.now - started),
            tables: tables, countsInDumpSnapshot: true, deployment: request.deployment)
        try await store.save(manifest)
        logger.info(
            "backup created",
            metadata: ["backup": "\(id)", "bytes": "\(written.size)", "sha256": "\(written.sha256)"])
        return manifest
    }

    /// Applies retention decisions: deletes every backup decided `keep: false`.
    /// - Returns: the ids deleted, for one `backup.pruned` event each (with the decision's reasons).
    public func prune(_ decisions: [RetentionDecision]) async throws -> [String] {
        var deleted = [String]()
        for decision in decisions where !decision.keep {
            try await store.delete(decision.backup.id)
            deleted.append(decision.backup.id)
            logger.info(
                "backup pruned",
                metadata: ["backup": "\(decision.backup.id)", "reason": "\(decision.reasons.joined(separator: "; "))"])
        }
        return deleted
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
