import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension PgBackRestDriver {
    /// Restores `stanza` as it was at `target` into `directory`, a new data directory beside the live one.
    ///
    /// The newest backup that finished before `target` is restored (passed as `--set`, so the
    /// choice is Steward's and reported), with recovery set to replay archived WAL up to `target`
    /// and then promote. Archiving is switched off in the copy (`--archive-mode=off`), so the
    /// restored cluster never pushes WAL of its new timeline into the live cluster's stanza.
    /// Start it with ``start(_:port:socketDirectory:timeout:)``.
    ///
    /// - Parameters:
    ///   - directory: an absolute path that does not exist yet (its parent must) or is an empty
    ///     directory; never the live data directory, inside it, or around it.
    /// - Throws: ``BackupError`` (`invalid`) for a directory that is not allowed or a target
    ///   before the first backup finished, before anything is written; (`failed`) with pgBackRest's error.
    public func restore(_ stanza: String, to target: Date, into directory: String) async throws -> PgBackRestRestore {
        let cluster = try configuration.cluster(stanza)
        let newPath = URL(fileURLWithPath: directory).standardizedFileURL.path
        let livePath = URL(fileURLWithPath: cluster.dataDirectory).standardizedFileURL.path
        if let problem = PgBackRestConfiguration.pathProblem(newPath) {
            throw BackupError(.invalid, "restore directory \(problem)")
        }
        if newPath == livePath || newPath.hasPrefix(livePath + "/") || livePath.hasPrefix(newPath + "/") {
            throw BackupError(
                .invalid,
                "restore directory \(newPath) overlaps the live data directory \(livePath); expected a new directory beside it")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: newPath, isDirectory: &isDirectory) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: newPath)) ?? ["?"]
            guard isDirectory.boolValue, contents.isEmpty else {
                throw BackupError(.invalid, "restore directory \(newPath) exists and is not empty; expected a new or empty directory")
            }
        }
        let info = try await info(stanza)
        guard let backup = info.backup(before: target) else {
            let first = info.backups.first.map { "the first backup finished at \(Self.utc($0.stopTime))" } ?? "there is no backup"
            throw BackupError(
                .invalid, "cannot restore stanza \(stanza) to \(Self.utc(target)): \(first); expected a later target")
        }
        try Self.makeDirectory(newPath, mode: 0o700, owner: cluster.systemUser)
        do {
            _ = try await run(
                stanza, "restore",
                [
                    "--pg1-path=\(newPath)", "--set=\(backup.label)", "--type=time",
                    "--target=\(PgBackRestRestore.recoveryTargetText(target))", "--target-action=promote",
                    "--archive-mode=off",
                ])
        } catch {
            // Nothing half-restored is left behind.
            try? FileManager.default.removeItem(atPath: newPath)
            throw error
        }
        logger.info(
            "pgbackrest restore written",
            metadata: ["stanza": "\(stanza)", "backup": "\(backup.label)", "directory": "\(newPath)"])
        return PgBackRestRestore(stanza: stanza, dataDirectory: newPath, backup: backup, target: target)
    }

    /// `2026-11-26T09:26:07Z`-style text for messages.
    static func utc(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
