import Foundation
import StewardCore
import Testing

/// The stack-file keys of migrations: `dependencies.D.migrations` and `environments.E.backupBeforeMigrate`.
@Suite struct MigrationStackFileTests {
    static func stack(_ dependency: String, environments: String = "  production: {}\n  staging: {}\n") -> String {
        "version: 1\nstack: shop\ndependencies:\n  db:\n\(dependency)services:\n  api:\n    command: /bin/true\nenvironments:\n"
            + environments
    }

    /// A postgres dependency takes a directory; environments named production back up first unless they say otherwise.
    @Test func keysParse() throws {
        let text = Self.stack(
            "    url: postgres://app@db:5432/app\n    migrations: db/migrations\n",
            environments: "  production: {}\n  staging: {}\n  prod2: {backupBeforeMigrate: true}\n  production-eu: {}\n")
        let spec = try StackFile.parse(text, file: "steward.yaml").get()
        #expect(spec.dependency(named: "db")?.migrations == "db/migrations")
        #expect(spec.environments.map(\.backsUpBeforeMigrating) == [true, false, true, false])
        let off = try StackFile.parse(
            Self.stack("    url: postgres://app@db:5432/app\n", environments: "  production: {backupBeforeMigrate: false}\n"),
            file: "steward.yaml"
        ).get()
        #expect(off.environments[0].backsUpBeforeMigrating == false)
        #expect(off.dependency(named: "db")?.migrations == nil)
    }

    /// Migrations on another kind of dependency, or with a reference, are errors with their position.
    @Test func badValuesAreErrors() {
        #expect(
            StackFileErrorTests.errors(Self.stack("    url: redis://cache:6379/0\n    migrations: db/migrations\n")) == [
                "steward.yaml:6:17: invalid value 'db/migrations' for 'migrations' in dependency 'db': only postgres dependencies have migrations, this one is redis; expected a postgres dependency, or no migrations key"
            ])
        let reference = StackFileErrorTests.errors(
            Self.stack("    url: postgres://app@db:5432/app\n    migrations: ${secret:DIR}\n"))
        #expect(reference.count == 1)
        #expect(reference.first?.hasPrefix("steward.yaml:6:17:") == true, "\(reference)")
        #expect(reference.first?.contains("references are not resolved in a path") == true, "\(reference)")
        let blank = StackFileErrorTests.errors(Self.stack("    url: postgres://app@db:5432/app\n    migrations: \"\"\n"))
        #expect(blank.first?.contains("a directory path such as db/migrations") == true, "\(blank)")
    }
}
