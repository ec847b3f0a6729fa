import Foundation
import StewardCore
import Testing

/// Status, up and down decided from a directory and a history, without a database.
@Suite struct MigrationPlanningTests {
    let at = Date(timeIntervalSince1970: 1_795_694_400)

    /// 1 create_items (reversible), 2 add_price (reversible), 3 backfill (no down file).
    let catalog = MigrationCatalog(migrations: [
        MigrationScript(version: 1, name: "create_items", upFile: "0001_create_items.up.sql", downFile: "0001_create_items.down.sql", sha256: "a1"),
        MigrationScript(version: 2, name: "add_price", upFile: "0002_add_price.up.sql", downFile: "0002_add_price.down.sql", sha256: "b2"),
        MigrationScript(version: 3, name: "backfill", upFile: "0003_backfill.up.sql", downFile: nil, sha256: "c3"),
    ])

    func applied(_ version: Int, _ sha: String? = nil) -> AppliedMigration {
        let script = catalog.migration(version)
        return AppliedMigration(
            version: version, name: script?.name ?? "gone", sha256: sha ?? script?.sha256 ?? "zz", appliedAt: at)
    }

    func refusal(_ body: () throws(MigrationRefusal) -> [MigrationScript]) -> MigrationRefusal? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    /// Applied, pending, drifted and missing, in version order.
    @Test func statusComparesFilesWithHistory() {
        let rows = catalog.status(history: [applied(1), applied(2, "edited"), applied(4)])
        #expect(rows.map(\.version) == [1, 2, 3, 4])
        #expect(rows.map(\.state) == [.applied, .drifted, .pending, .missing])
        #expect(rows[0].appliedAt == at && rows[0].reversible)
        #expect(rows[1].appliedSHA256 == "edited" && rows[1].fileSHA256 == "b2")
        #expect(rows[2].appliedAt == nil && !rows[2].reversible)
        #expect(rows[3].file == nil && rows[3].appliedSHA256 == "zz")
    }

    /// Up applies every pending migration in order; with everything applied, nothing.
    @Test func upAppliesPendingInOrder() throws {
        #expect(try catalog.planUp(history: []).map(\.version) == [1, 2, 3])
        #expect(try catalog.planUp(history: [applied(1)]).map(\.version) == [2, 3])
        #expect(try catalog.planUp(history: [applied(1), applied(2), applied(3)]).isEmpty)
    }

    /// Up --to stops at the target; the current version applies nothing; a lower or unknown one is refused.
    @Test func upToATarget() throws {
        #expect(try catalog.planUp(history: [], to: 2).map(\.version) == [1, 2])
        #expect(try catalog.planUp(history: [applied(1), applied(2)], to: 2).isEmpty)
        #expect(refusal { () throws(MigrationRefusal) in try catalog.planUp(history: [applied(1), applied(2)], to: 1) }?.kind == .wrongDirection)
        let unknown = refusal { () throws(MigrationRefusal) in try catalog.planUp(history: [], to: 9) }
        #expect(unknown?.message == "there is no migration 9; the directory has 1 to 3")
    }

    /// An edited applied migration refuses up and down, naming the file and both checksums.
    @Test func driftIsRefused() {
        let history = [applied(1), applied(2, "0ld")]
        let up = refusal { () throws(MigrationRefusal) in try catalog.planUp(history: history) }
        #expect(up?.kind == .drift)
        #expect(
            up?.message
                == "0002_add_price.up.sql changed after it was applied (applied sha256 0ld, file sha256 b2): a migration "
                + "that ran must not change; restore the file and put the change in a new migration")
        #expect(refusal { () throws(MigrationRefusal) in try catalog.planDown(history: history, to: 0) }?.kind == .drift)
    }

    /// An applied migration whose file is gone refuses up.
    @Test func missingFileIsRefused() {
        let small = MigrationCatalog(migrations: Array(catalog.migrations.prefix(1)))
        let refused = refusal { () throws(MigrationRefusal) in try small.planUp(history: [applied(1), applied(2)]) }
        #expect(refused?.kind == .missing)
        #expect(refused?.message.contains("migration 2 (add_price) was applied but its file is gone") == true)
    }

    /// A pending migration older than an applied one is refused rather than run out of order.
    @Test func outOfOrderIsRefused() {
        let refused = refusal { () throws(MigrationRefusal) in try catalog.planUp(history: [applied(1), applied(3)]) }
        #expect(refused?.kind == .outOfOrder)
        #expect(refused?.message.hasPrefix("0002_add_price.up.sql is pending but 0003_backfill.up.sql is already applied") == true)
    }

    /// Down reverts newest first down to the target; 0 reverts all; above the latest is refused.
    @Test func downRevertsInReverseOrder() throws {
        let history = [applied(1), applied(2)]
        #expect(try catalog.planDown(history: history, to: 0).map(\.version) == [2, 1])
        #expect(try catalog.planDown(history: history, to: 1).map(\.version) == [2])
        #expect(try catalog.planDown(history: history, to: 2).isEmpty)
        #expect(refusal { () throws(MigrationRefusal) in try catalog.planDown(history: history, to: 3) }?.kind == .wrongDirection)
        #expect(refusal { () throws(MigrationRefusal) in try catalog.planDown(history: history, to: 7) }?.kind == .unknownVersion)
    }

    /// A migration without a down file cannot be reverted, and nothing is planned around it.
    @Test func irreversibleMigrationIsRefused() {
        let refused = refusal { () throws(MigrationRefusal) in
            try catalog.planDown(history: [applied(1), applied(2), applied(3)], to: 1)
        }
        #expect(refused?.kind == .irreversible)
        #expect(
            refused?.message
                == "cannot revert to version 1: 0003_backfill.up.sql (no 0003_backfill.down.sql) cannot be reverted; nothing was reverted")
    }
}
