import Foundation
import StewardCore
import StewardTesting
import Testing

/// `steward backup physical …` end to end: the stack file's `physical:` entry, a real cluster,
/// pgBackRest, and a point-in-time restore started on a free port.
struct PhysicalBackupCommandTests {
    static var steward: String { StewardCluster.stewardBinary }

    /// setup prints the archiving statements; after they are applied and PostgreSQL restarted,
    /// check passes, create takes a full backup, and restore --to-time brings back exactly the
    /// rows committed before that moment, on its own port.
    @Test func setupCheckCreateInfoRestore() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/pgbackrest"),
            "pgbackrest is not installed: apt-get install pgbackrest (.ci/run installs it)")
        let postgres = try await PostgresServer.start()
        var restoredData: String?
        defer {
            if let restoredData { Self.stopCluster(restoredData, as: postgres.systemUser) }
            postgres.stop()
        }
        let stackFile = postgres.directory + "/steward.yaml"
        try Self.stack(postgres).write(toFile: stackFile, atomically: true, encoding: .utf8)
        func steward(_ arguments: String...) async throws -> CommandResult {
            try await runCommand(Self.steward, ["backup", "physical"] + arguments + ["--file", stackFile], timeout: .seconds(180))
        }
        func psql(_ sql: String, port: Int? = nil) async throws -> String {
            let result = try await runCommand(
                "/usr/bin/psql",
                ["-h", postgres.socketDirectory, "-p", "\(port ?? postgres.port)", "-U", "postgres", "-d", "postgres",
                 "-v", "ON_ERROR_STOP=1", "-tAc", sql])
            guard result.status == 0 else { throw UnexpectedAnswer(description: "psql \(sql): \(result.standardError)") }
            return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        let setup = try await steward("setup", "db", "--output", "json")
        #expect(setup.status == 0, "\(setup.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(setup.standardOutput.utf8)) as? [String: Any]
        #expect(report?["archivingConfigured"] as? Bool == false)
        let statements = try #require(report?["alterSystem"] as? [String])
        #expect(statements.count == 3)
        let check = try await steward("check", "db")
        #expect(check.status == 1 && check.standardError.contains("WAL archiving is not configured for stanza db"), "\(check.standardError)")

        for statement in statements { _ = try await psql(statement) }
        try await postgres.restart()
        let checked = try await steward("check", "db")
        #expect(checked.status == 0 && checked.standardOutput.contains("WAL archiving works"), "\(checked.standardError)")

        _ = try await psql("CREATE TABLE items (id int); INSERT INTO items SELECT generate_series(1, 30)")
        let create = try await steward("create", "db", "--type", "full", "--output", "json")
        #expect(create.status == 0, "\(create.standardError)")
        let full = try #require(try JSONSerialization.jsonObject(with: Data(create.standardOutput.utf8)) as? [String: Any])
        #expect(full["type"] as? String == "full")
        let label = try #require(full["label"] as? String)
        let stopTime = try #require(StewardDate.parse(full["stopTime"] as? String ?? ""))
        try await eventually(timeout: .seconds(10), pollEvery: .milliseconds(100), "the server clock passes the backup's stop second") {
            Double(try await psql("SELECT extract(epoch FROM now())")) ?? 0 >= stopTime.timeIntervalSince1970 + 1
        }
        _ = try await psql("INSERT INTO items SELECT generate_series(1, 12)")
        // The next millisecond: the 12 rows committed before now(), and the CLI takes milliseconds.
        let target = try await psql("SELECT to_char((date_trunc('milliseconds', now()) + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
        _ = try await psql("SELECT pg_switch_wal()")
        _ = try await psql("INSERT INTO items SELECT generate_series(1, 100)")
        let incr = try await steward("create", "db", "--type", "incr")
        #expect(incr.status == 0 && incr.standardOutput.contains("incr"), "\(incr.standardError)")

        let info = try await steward("info", "db", "--output", "json")
        let stanza = try JSONSerialization.jsonObject(with: Data(info.standardOutput.utf8)) as? [String: Any]
        let backups = stanza?["backups"] as? [[String: Any]] ?? []
        #expect(backups.map { $0["type"] as? String } == ["full", "incr"], "\(info.standardOutput)")

        let port = try FreePort.next()
        let into = postgres.directory + "/restored"
        restoredData = into
        let restore = try await steward("restore", "db", "--to-time", target, "--into", into, "--port", "\(port)")
        #expect(restore.status == 0, "\(restore.standardError)")
        #expect(restore.standardOutput.contains("from \(label)"), "\(restore.standardOutput)")
        #expect(try await psql("SELECT count(*) FROM items", port: port) == "42")
        #expect(try await psql("SELECT count(*) FROM items") == "142")
    }

    /// Bad arguments and a dependency without `physical:` exit 64 with a sentence; --help lists the commands.
    @Test func badInputIsRefusedWithExitCode64() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-physical")
        defer { directory.remove() }
        let stackFile = directory.path + "/steward.yaml"
        try """
            version: 1
            stack: shop
            dependencies:
              db: {type: postgres, url: "postgres://app@127.0.0.1:5432/app"}
              other: {type: postgres, url: "postgres://app@127.0.0.1:5432/app"}
            services:
              api: {command: /bin/true}
            backups:
              - dependency: db
                physical: {dataDirectory: /var/lib/postgresql/15/main, repository: /var/lib/pgbackrest}
            """.write(toFile: stackFile, atomically: true, encoding: .utf8)
        let time = try await runCommand(
            Self.steward, ["backup", "physical", "restore", "db", "--to-time", "yesterday", "--into", "/tmp/x", "--file", stackFile])
        #expect(time.status == 64 && time.standardError.contains("--to-time 'yesterday' is not an ISO 8601 moment"), "\(time.standardError)")
        let unknown = try await runCommand(Self.steward, ["backup", "physical", "info", "other", "--file", stackFile])
        #expect(unknown.status == 64 && unknown.standardError.contains("no backups entry of 'other' has physical: (with physical: db)"), "\(unknown.standardError)")
        let help = try await runCommand(Self.steward, ["backup", "physical", "--help"])
        for command in ["setup", "check", "create", "info", "restore", "expire"] {
            #expect(help.standardOutput.contains("  \(command)"), "\(help.standardOutput)")
        }
    }

    /// A stack file whose `physical:` entry points at the test cluster.
    static func stack(_ postgres: PostgresServer) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          db: {type: postgres, url: "postgres://postgres@127.0.0.1:\(postgres.port)/postgres"}
        services:
          api: {command: /bin/true}
        backups:
          - dependency: db
            physical:
              dataDirectory: \(postgres.dataDirectory)
              repository: \(postgres.directory)/repo
              configDirectory: \(postgres.directory)/pgbackrest
              port: \(postgres.port)
              socketDirectory: \(postgres.socketDirectory)
              systemUser: \(postgres.systemUser ?? NSUserName())
        """
    }

    /// Stops a restored cluster left running (`pg_ctl stop -m immediate`), as its owner.
    static func stopCluster(_ data: String, as user: String?) {
        guard FileManager.default.fileExists(atPath: data + "/postmaster.pid") else { return }
        let process = Process()
        let pgCtl = ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]
        process.executableURL = URL(fileURLWithPath: user == nil ? pgCtl[0] : "/usr/sbin/runuser")
        process.arguments = user.map { ["-u", $0, "--"] + pgCtl } ?? Array(pgCtl.dropFirst())
        try? process.run()
        process.waitUntilExit()
    }
}
