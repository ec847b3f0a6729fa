import Foundation
import StewardBackup
import StewardCore
import StewardTesting
import Synchronization
import Testing

/// Backup → verify → restore against a real, password-protected PostgreSQL 15.
@Suite struct BackupRoundTripTests {
    /// The manifest counts every table exactly; verify passes; a restore into a new database and a
    /// forced restore over the original both end with identical row counts.
    @Test func backupVerifyRestoreKeepsEveryRow() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let original = try await fixture.counts("shop")
        let seen = Mutex<[Int64]>([])

        let manifest = try await fixture.engine.create(
            .init(url: fixture.url("shop"), environment: "production", dependency: "db", deployment: "42")
        ) { bytes in seen.withLock { $0.append(bytes) } }

        #expect(manifest.database == "shop")
        #expect(manifest.environment == "production" && manifest.dependency == "db" && manifest.deployment == "42")
        #expect(manifest.countsInDumpSnapshot)
        #expect(manifest.serverVersion.hasPrefix("15"))
        #expect(Dictionary(uniqueKeysWithValues: manifest.tables.map { ($0.name, Int($0.rows)) }) == original)
        #expect(original == ["customers": 1500, "orders": 4000, "order_items": 9000, "audit_empty": 0])
        let progress = seen.withLock { $0 }
        #expect(progress.last == manifest.sizeBytes)
        #expect(progress == progress.sorted())
        #expect(manifest.sha256.count == 64)

        let verification = try await fixture.engine.verify(
            manifest.id, serverURL: fixture.url(), integrityQueries: BackupFixture.orphanChecks)
        #expect(verification.passed, "\(verification.failures)")
        #expect(verification.checks.contains("integrity query 2 returned no rows"))
        #expect(!(try await fixture.databases()).contains(verification.database), "the scratch database is dropped")
        #expect(try fixture.store.retained().map(\.verified) == [true])

        let fresh = try await fixture.engine.restore(manifest.id, into: fixture.url("shop_copy"))
        #expect(fresh.previousDatabase == nil)
        #expect(try await fixture.counts("shop_copy") == original)

        try await fixture.execute("DELETE FROM order_items WHERE id % 2 = 0", database: "shop")
        let replaced = try await fixture.engine.restore(
            manifest.id, into: fixture.url("shop"),
            options: .init(force: true, integrityQueries: BackupFixture.orphanChecks))
        #expect(try await fixture.counts("shop") == original)
        let previous = try #require(replaced.previousDatabase)
        #expect(try await fixture.counts(previous)["order_items"] == 4500, "the replaced database is kept beside")
        #expect(try await fixture.databases().filter { $0.contains("_restore_") }.isEmpty)
    }

    /// A row committed while pg_dump runs is neither in the artifact nor in the manifest's counts:
    /// both come from the snapshot exported before the dump, so verify and restore agree with them.
    @Test func countsAndDumpShareOneSnapshotWhileTheAppWrites() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let original = try await fixture.counts("shop")
        let inserted = Shared<Bool?>(nil)  // nil: not tried yet

        let manifest = try await fixture.engine.create(
            .init(url: fixture.url("shop"), environment: "production", dependency: "db")
        ) { _ in
            guard inserted.value.withLock({ $0 == nil }) else { return }
            inserted.value.withLock { $0 = false }
            // The first chunk has arrived, so pg_dump is running: commit a write now. Blocking here
            // holds only the dump's reader thread (pg_dump waits on the full pipe meanwhile).
            let committed = DispatchSemaphore(value: 0)
            Task {
                defer { committed.signal() }
                try await fixture.execute("INSERT INTO customers VALUES (2000001, 'late@example.com')", database: "shop")
                inserted.value.withLock { $0 = true }
            }
            committed.wait()
        }
        #expect(inserted.value.withLock { $0 } == true, "the write committed while pg_dump ran")
        #expect(try await fixture.counts("shop")["customers"] == 1501)
        #expect(manifest.tables.first { $0.name == "customers" }?.rows == 1500)

        let verification = try await fixture.engine.verify(manifest.id, serverURL: fixture.url())
        #expect(verification.passed, "\(verification.failures)")
        _ = try await fixture.engine.restore(manifest.id, into: fixture.url("shop_copy"))
        #expect(try await fixture.counts("shop_copy") == original)
    }

    /// The store is owner-only, and the password is in none of its files nor in any process's
    /// argv while pg_dump runs (observed from the progress callback, while pg_dump still writes).
    @Test func passwordNeverReachesArgvOrTheStore() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let observations = Mutex<[CommandLines]>([])

        let manifest = try await fixture.engine.create(
            .init(url: fixture.url("shop"), environment: "staging", dependency: "db")
        ) { _ in
            observations.withLock { seen in
                if seen.isEmpty { seen.append(CommandLines.scan(port: fixture.postgres.port)) }
            }
        }
        let observed = try #require(observations.withLock { $0.first })
        #expect(!observed.pgDump.isEmpty, "pg_dump was running when the first bytes arrived")
        #expect(observed.pgDump.allSatisfy { $0.contains("--no-password") })
        #expect(observed.containing(fixture.password).isEmpty)

        _ = try await fixture.engine.verify(manifest.id, serverURL: fixture.url())
        let store = fixture.store.directory
        #expect(try permissions(store) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: store)
        #expect(Set(files) == ["\(manifest.id).dump", "\(manifest.id).json", "\(manifest.id).verification.json"])
        for file in files {
            #expect(try permissions("\(store)/\(file)") == 0o600, "\(file)")
            let contents = try Data(contentsOf: URL(fileURLWithPath: "\(store)/\(file)"))
            #expect(contents.range(of: Data(fixture.password.utf8)) == nil, "\(file) holds the password")
        }
        #expect(!manifest.source.contains(fixture.password))
    }

    private func permissions(_ path: String) throws -> Int {
        let value = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        return (value as? Int) ?? (value as? NSNumber)?.intValue ?? -1
    }
}

/// A Mutex that closures and tasks can share by reference.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
}

/// Every process's command line, read from `/proc/*/cmdline`.
struct CommandLines: Sendable {
    var all: [String]

    static func scan(port: Int) -> CommandLines {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        let lines = pids.compactMap { pid -> String? in
            // /proc files report size 0: read them to the end rather than by their size.
            guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/cmdline") else { return nil }
            defer { try? handle.close() }
            guard let data = try? handle.readToEnd(), !data.isEmpty else { return nil }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
        }
        return CommandLines(all: lines, port: port)
    }

    private init(all: [String], port: Int) {
        self.all = all
        self.port = port
    }

    private let port: Int

    /// The pg_dump processes talking to this test's server.
    var pgDump: [String] { all.filter { $0.contains("pg_dump") && $0.contains("--port \(port) ") } }

    func containing(_ text: String) -> [String] { all.filter { $0.contains(text) } }
}
