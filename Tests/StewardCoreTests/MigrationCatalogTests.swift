import Foundation
import StewardCore
import Testing

/// Reading a migrations directory listing: the naming rule, gaps, duplicates, down files. Pure.
@Suite struct MigrationCatalogTests {
    static func listing(_ names: [String]) -> [ListedMigrationFile] {
        names.map { ListedMigrationFile(name: $0, sha256: "sha-\($0)") }
    }

    static func problems(_ names: [String]) -> [String] {
        do {
            _ = try MigrationCatalog(listing: listing(names))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// Files become migrations in version order (not name order); non-SQL and hidden files are ignored.
    @Test func ordersByVersionAndPairsDownFiles() throws {
        let catalog = try MigrationCatalog(
            listing: Self.listing([
                "10_later.up.sql", "0002_add_price.up.sql", "0002_add_price.down.sql", "0001_create_items.up.sql",
                "3_x.up.sql", "4_y.up.sql", "5_z.up.sql", "6_a.up.sql", "7_b.up.sql", "8_c.up.sql", "9_d.up.sql",
                "README.md", ".gitkeep",
            ]))
        #expect(catalog.migrations.map(\.version) == Array(1...10))
        #expect(catalog.migrations[1].upFile == "0002_add_price.up.sql")
        #expect(catalog.migrations[1].downFile == "0002_add_price.down.sql")
        #expect(catalog.migrations[1].sha256 == "sha-0002_add_price.up.sql")
        #expect(catalog.migrations[1].label == "0002_add_price")
        #expect(catalog.migrations[0].downFile == nil)
        #expect(catalog.latestVersion == 10)
        #expect(try MigrationCatalog(listing: []).migrations.isEmpty)
    }

    /// Every bad name is reported with the file, the reason and the rule.
    @Test func badNamesAreRejected() {
        let cases: [(String, String)] = [
            ("create_items.up.sql", "the version 'create' is not decimal digits"),
            ("0001-create.up.sql", "no _ separates the version from the name"),
            ("0001_create.sql", "it says neither .up.sql nor .down.sql"),
            ("0001_Create.up.sql", "the name 'Create' must be lowercase letters, digits and _"),
            ("0000_zero.up.sql", "the version '0000' must be between 1 and 999999999"),
            ("0001_x.up.SQL", "the suffix must be lowercase .sql"),
            ("0001_.up.sql", "the name '' must be"),
        ]
        for (name, reason) in cases {
            let problems = Self.problems([name])
            #expect(problems.count == 1, "\(name)")
            #expect(problems.first?.hasPrefix("\(name): \(reason)") == true, "\(problems)")
            #expect(problems.first?.contains("expected VERSION_NAME.up.sql or VERSION_NAME.down.sql") == true)
        }
    }

    /// A gap, a duplicate version, a down file alone or under another name: each named.
    @Test func gapsAndDuplicatesAreRejected() {
        #expect(
            Self.problems(["0001_a.up.sql", "0003_c.up.sql"]) == [
                "0003_c.up.sql: version 3 follows version 1: version 2 is missing; expected versions 1, 2, 3… with none missing"
            ])
        #expect(
            Self.problems(["0002_b.up.sql"]) == [
                "0002_b.up.sql: the first migration is version 2; expected versions 1, 2, 3… with none missing"
            ])
        #expect(
            Self.problems(["0001_a.up.sql", "0001_b.up.sql"]) == [
                "0001_b.up.sql: version 1 already has 0001_a.up.sql; expected one up file per version"
            ])
        #expect(
            Self.problems(["0001_a.up.sql", "1_a.up.sql"]) == [
                "1_a.up.sql: version 1 already has 0001_a.up.sql; expected one up file per version"
            ])
        #expect(
            Self.problems(["0001_a.up.sql", "0002_b.down.sql"]) == [
                "0002_b.down.sql: there is no up file for version 2; expected 0002_b.up.sql beside it"
            ])
        #expect(
            Self.problems(["0001_a.up.sql", "0001_b.down.sql"]) == [
                "0001_b.down.sql: its name differs from the up file 0001_a.up.sql; expected the up and down files of a version to share VERSION_NAME"
            ])
        // Several problems at once are all reported.
        #expect(Self.problems(["x.sql", "0001_a.up.sql", "0001_a.UP.sql"]).count == 2)
    }
}
