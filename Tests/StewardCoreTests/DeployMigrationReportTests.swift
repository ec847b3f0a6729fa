import Foundation
import StewardCore
import Testing

/// What a deployment's checklist says about the migrations of a `deploy.migrate` database.
struct DeployMigrationReportTests {
    static func script(_ version: Int, _ name: String) -> MigrationScript {
        MigrationScript(
            version: version, name: name, upFile: String(format: "%04d_%@.up.sql", version, name), downFile: nil,
            sha256: "h\(version)")
    }
    static let planned = [script(1, "create_items"), script(2, "add_price"), script(3, "seed")]

    /// Every pending migration is listed by version and name, applied; nothing fails.
    @Test func appliedMigrationsAreListed() {
        let report = DeployMigrationReport(dependency: "db", planned: Self.planned, applied: [1, 2, 3], stop: nil)
        #expect(report.items == ["db: 0001_create_items applied", "db: 0002_add_price applied", "db: 0003_seed applied"])
        #expect(report.failure == nil)
    }

    /// Nothing pending: one item says so, and nothing fails.
    @Test func nothingPendingSaysSo() {
        let report = DeployMigrationReport(dependency: "db", planned: [], applied: [], stop: nil)
        #expect(report.items == ["db: no pending migrations"])
        #expect(report.failure == nil)
    }

    /// A failing migration is named in its item and in the failure; those before it stay applied,
    /// those after it are listed as not applied.
    @Test func aFailedMigrationIsNamed() {
        let report = DeployMigrationReport(
            dependency: "db", planned: Self.planned, applied: [1],
            stop: .init(message: "0002_add_price.up.sql failed at statement 1 of 1: syntax error", version: 2))
        #expect(report.items == [
            "db: 0001_create_items applied", "db: 0002_add_price failed, rolled back", "db: 0003_seed pending, not applied",
        ])
        #expect(report.failure == "migration 0002_add_price of db failed: 0002_add_price.up.sql failed at statement 1 of 1: syntax error")
    }

    /// A run refused before planning (drift) lists no migration and fails with the reason.
    @Test func aRefusalFailsWithItsReason() {
        let drift = "0001_create_items.up.sql changed after it was applied (applied sha256 a, file sha256 b)"
        let report = DeployMigrationReport(dependency: "db", planned: [], applied: [], stop: .init(message: drift, version: nil))
        #expect(report.items == ["db: migrations refused, nothing ran: \(drift)"])
        #expect(report.failure == "the migrations of db were refused, nothing ran: \(drift)")
        // Planned, then stopped before the first ran (a backup that did not pass): each listed as not applied.
        let stopped = DeployMigrationReport(
            dependency: "db", planned: Array(Self.planned.prefix(1)), applied: [], stop: .init(message: "the backup failed", version: nil))
        #expect(stopped.items == ["db: 0001_create_items pending, not applied"])
        #expect(stopped.failure == "the migrations of db did not run: the backup failed")
    }

    /// Integrity queries that do not hold after the run fail the deployment.
    @Test func failedValidationFails() {
        let report = DeployMigrationReport(
            dependency: "db", planned: Array(Self.planned.prefix(1)), applied: [1], stop: nil,
            validationFailures: ["integrity query 1 returned 2 row(s): SELECT 1"])
        #expect(report.items == ["db: 0001_create_items applied"])
        #expect(report.failure == "the migrations of db were applied, but the integrity queries did not hold: integrity query 1 returned 2 row(s): SELECT 1")
    }
}
