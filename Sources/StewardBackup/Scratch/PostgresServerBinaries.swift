import Foundation

/// Where `initdb` and `pg_ctl` are: the server programs a scratch cluster needs.
///
/// `pg_config --bindir` first (a source build or another distribution's layout), then Debian's
/// `/usr/lib/postgresql/VERSION/bin`, newest version first. On Debian `pg_config` comes with libpq's
/// development package and names `/usr/bin`, which holds no `initdb`: hence the second place.
public enum PostgresServerBinaries {
    /// The directory holding `initdb` and `pg_ctl`.
    /// - Parameter searchRoot: Where versioned installations live (`/usr/lib/postgresql`).
    /// - Throws: ``BackupError`` `.failed` naming the places looked at, when neither has them.
    public static func locate(searchRoot: String = "/usr/lib/postgresql") throws -> String {
        var candidates = [String]()
        if let bindir = pgConfigBindir() { candidates.append(bindir) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: searchRoot)) ?? []
        // Numeric order, newest first: 16 before 15 before 9.6.
        let sorted = versions.sorted { (Double($0) ?? 0) > (Double($1) ?? 0) }
        candidates += sorted.map { "\(searchRoot)/\($0)/bin" }
        for directory in candidates where hasServerTools(directory) { return directory }
        throw BackupError(
            .failed,
            "the PostgreSQL server programs (initdb, pg_ctl) are not installed: looked in "
                + (candidates.isEmpty ? "`pg_config --bindir` and \(searchRoot)/*/bin" : candidates.joined(separator: ", "))
                + "; install the server package (Debian: postgresql-15) on the control plane's host")
    }

    static func hasServerTools(_ directory: String) -> Bool {
        ["initdb", "pg_ctl"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
    }

    /// `pg_config --bindir`, when `pg_config` is on the usual paths.
    private static func pgConfigBindir() -> String? {
        guard let tool = ["/usr/bin/pg_config", "/usr/local/bin/pg_config"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--bindir"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }
}
