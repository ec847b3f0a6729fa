import Crypto
import Foundation
import StewardBackup
import StewardCore
import StewardTesting
import Testing

/// Corrupt artifacts and refused or failing restores, against a real PostgreSQL 15.
@Suite struct BackupSafetyTests {
    /// One flipped byte fails verification on the checksum, before anything is restored, and refuses a restore.
    @Test func flippedByteIsDetectedBeforeAnyRestore() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        let path = fixture.store.artifactPath(manifest.id)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        let databases = try await fixture.databases()

        let result = try await fixture.engine.verify(manifest.id, serverURL: fixture.url())
        #expect(!result.passed)
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.contains("sha256") == true)
        #expect(try await fixture.databases() == databases, "nothing was restored")
        #expect(try fixture.store.retained().map(\.verified) == [false])

        let error = await #expect(throws: BackupError.self) {
            try await fixture.engine.restore(manifest.id, into: fixture.url("shop_copy"))
        }
        #expect(error?.kind == .corrupt)
        #expect(try await fixture.databases() == databases)
    }

    /// A target that holds tables is refused without force, and left as it was.
    @Test func nonEmptyTargetNeedsForce() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        try await fixture.execute("DELETE FROM order_items", database: "shop")

        let error = await #expect(throws: BackupError.self) {
            try await fixture.engine.restore(manifest.id, into: fixture.url("shop"))
        }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("force") == true)
        #expect(try await fixture.counts("shop")["order_items"] == 0)

        // An existing but empty database is fine without force.
        try await fixture.execute("CREATE DATABASE empty_target")
        _ = try await fixture.engine.restore(manifest.id, into: fixture.url("empty_target"))
        #expect(try await fixture.counts("empty_target")["order_items"] == 9000)
    }

    /// A truncated artifact whose checksum was recomputed passes the checksum but fails pg_restore:
    /// the forced restore throws, the target keeps every row and the copy beside it is dropped.
    @Test func restoreFailingMidwayLeavesTargetUntouched() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        try await fixture.execute("INSERT INTO customers VALUES (999999, 'after@example.com')", database: "shop")
        let before = try await fixture.counts("shop")
        let databases = try await fixture.databases()

        let path = fixture.store.artifactPath(manifest.id)
        let truncated = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(Int(manifest.sizeBytes) * 2 / 3)
        try truncated.write(to: URL(fileURLWithPath: path))
        try rewriteChecksum(fixture, manifest)

        let error = await #expect(throws: BackupError.self) {
            try await fixture.engine.restore(manifest.id, into: fixture.url("shop"), options: .init(force: true))
        }
        #expect(error?.kind == .verificationFailed)
        #expect(error?.message.contains("pg_restore") == true)
        #expect(try await fixture.counts("shop") == before)
        #expect(try await fixture.databases() == databases, "the copy beside the target is dropped")
    }

    /// A failing integrity query stops the swap: the target is untouched; verify reports the same reason.
    @Test func failingIntegrityQueryStopsTheSwap() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        // An orphan the foreign keys cannot catch: a customer without orders is fine, a note that says so is not.
        try await fixture.execute("UPDATE orders SET note = 'ORPHAN' WHERE id = 7", database: "shop")
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        try await fixture.execute("UPDATE orders SET note = 'fixed' WHERE id = 7", database: "shop")
        let failing = BackupFixture.orphanChecks + ["SELECT id FROM orders WHERE note = 'ORPHAN'"]
        let databases = try await fixture.databases()

        let result = try await fixture.engine.verify(manifest.id, serverURL: fixture.url(), integrityQueries: failing)
        #expect(!result.passed)
        #expect(result.failures == ["integrity query 3 returned 1 row(s): SELECT id FROM orders WHERE note = 'ORPHAN'"])

        let error = await #expect(throws: BackupError.self) {
            try await fixture.engine.restore(
                manifest.id, into: fixture.url("shop"), options: .init(force: true, integrityQueries: failing))
        }
        #expect(error?.kind == .verificationFailed)
        #expect(try await fixture.count("SELECT count(*) FROM orders WHERE id = 7 AND note = 'fixed'", database: "shop") == 1)
        #expect(try await fixture.databases() == databases)
    }

    /// A hook that refuses before the swap cancels the restore: the copy goes, the target stays.
    @Test func beforeSwapFailureCancelsTheRestore() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        try await fixture.execute("DELETE FROM order_items", database: "shop")
        let databases = try await fixture.databases()
        struct WritersStillRunning: Error {}

        await #expect(throws: WritersStillRunning.self) {
            try await fixture.engine.restore(
                manifest.id, into: fixture.url("shop"),
                options: .init(force: true, beforeSwap: { throw WritersStillRunning() }))
        }
        #expect(try await fixture.counts("shop")["order_items"] == 0)
        #expect(try await fixture.databases() == databases)
    }

    /// Rewrites the manifest's size and sha256 to match the (tampered) artifact, as an attacker or a bug might.
    private func rewriteChecksum(_ fixture: BackupFixture, _ manifest: BackupManifest) throws {
        let path = fixture.store.artifactPath(manifest.id)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var tampered = manifest
        tampered.sizeBytes = Int64(data.count)
        tampered.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        try JSONEncoder.steward.encode(tampered).write(to: URL(fileURLWithPath: fixture.store.manifestPath(manifest.id)))
    }
}
