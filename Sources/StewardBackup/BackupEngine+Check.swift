import Foundation
import PostgresNIO

extension BackupEngine {
    /// The artifact as a local file (downloaded into `scratch` from a bucket), checked against its
    /// manifest: a flipped byte fails here, before anything is restored.
    /// - Returns: the file's path when it could be had, and the failures and checks of the comparison.
    func fetchAndCheck(_ manifest: BackupManifest, scratch: PrivateDirectory) async
        -> (path: String?, failures: [String], checks: [String])
    {
        do {
            let actual = try await store.fetchArtifact(manifest.id, scratch: scratch.path)
            var failures = [String]()
            if actual.size != manifest.sizeBytes {
                failures.append("the artifact has \(actual.size) bytes, the manifest says \(manifest.sizeBytes)")
            }
            if actual.sha256 != manifest.sha256 {
                failures.append("the artifact's sha256 is \(actual.sha256), the manifest says \(manifest.sha256)")
            }
            return (
                actual.path, failures,
                failures.isEmpty ? ["sha256 \(manifest.sha256) and size \(manifest.sizeBytes) match"] : []
            )
        } catch {
            return (nil, ["\(error)"], [])
        }
    }

    /// Restores the artifact into the new, empty database `database` of `server` and checks it:
    /// row counts equal to the manifest's, every integrity query returning zero rows.
    /// The database is created here and left in place; the caller drops or keeps it.
    func restoreAndCheck(
        _ manifest: BackupManifest, artifact: String, server: PostgresTarget, database: String,
        integrityQueries: [String]
    ) async throws -> (failures: [String], checks: [String]) {
        let directory = try PrivateDirectory()
        defer { directory.remove() }
        try await BackupSQL.with(server, logger: logger) { sql in
            // A copy left by a run that crashed carries this backup's id in its name: it is ours to replace.
            try await sql.drop(database)
            try await sql.create(database)
        }

        let (status, output) = try await tools.run(
            "pg_restore", tools.restoreArguments(artifact: artifact, database: database, server: server),
            environment: try tools.environment(for: server, in: directory), directory: directory)
        guard status == 0 else { return (["pg_restore exited with \(status): \(output)"], []) }

        var failures = [String](), checks = ["pg_restore completed"]
        try await BackupSQL.with(server.with(database: database), logger: logger) { sql in
            let restored = Dictionary(uniqueKeysWithValues: try await sql.tableCounts().map { ($0.qualifiedName, $0.rows) })
            for table in manifest.tables {
                if let rows = restored[table.qualifiedName] {
                    if rows == table.rows {
                        checks.append("\(table.qualifiedName): \(rows) rows")
                    } else {
                        failures.append("\(table.qualifiedName) has \(rows) rows, the manifest says \(table.rows)")
                    }
                } else {
                    failures.append("\(table.qualifiedName) is missing after the restore")
                }
            }
            let expected = Set(manifest.tables.map(\.qualifiedName))
            for name in restored.keys.sorted() where !expected.contains(name) {
                failures.append("\(name) is not in the manifest")
            }
            for (index, query) in integrityQueries.enumerated() {
                do {
                    let rows = try await sql.rows(.init(unsafeSQL: query))
                    if rows.isEmpty {
                        checks.append("integrity query \(index + 1) returned no rows")
                    } else {
                        failures.append("integrity query \(index + 1) returned \(rows.count) row(s): \(query)")
                    }
                } catch {
                    failures.append("integrity query \(index + 1) failed: \(error)")
                }
            }
        }
        return (failures, checks)
    }

    /// `NAME_ROLE_ID` (`shop_restore_20261126_050000_abcdef`) within PostgreSQL's 63-byte identifier
    /// limit: the server would cut a longer name silently, so `name` is shortened, never the rest.
    static func databaseName(_ name: String, _ role: String, id: String) -> String {
        let suffix = "_\(role)_" + id.replacingOccurrences(of: "-", with: "_")
        var name = name
        while name.utf8.count + suffix.utf8.count > 63 { name.removeLast() }
        return name + suffix
    }
}
