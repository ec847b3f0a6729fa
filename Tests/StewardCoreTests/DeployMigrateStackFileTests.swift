import Foundation
import StewardCore
import Testing

/// `deploy.migrate` of a service: the PostgreSQL databases (declared with `migrations:`) whose
/// pending migrations a deployment applies in its checklist.
@Suite struct DeployMigrateStackFileTests {
    /// A stack with `db` (postgres, migrations), `reports` (postgres, none) and `cache` (redis);
    /// `migrate` is the value of `api`'s `deploy.migrate`, on line 13.
    static func stack(migrate: String) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          db:
            url: postgres://app@db:5432/app
            migrations: db/migrations
          reports: {url: "postgres://app@reports:5432/reports"}
          cache: {url: "redis://cache:6379/0"}
        services:
          api:
            command: /bin/true
            deploy:
              migrate: \(migrate)
        environments:
          production: {}

        """
    }

    /// A list, or a single name, parses into the policy in order; no warning: the key is enforced.
    @Test func namesParseAndAreEnforced() throws {
        for (value, expected) in [("[db]", ["db"]), ("db", ["db"]), ("[]", [])] {
            let analysis = StackFile.analyze(Self.stack(migrate: value), file: "steward.yaml")
            let spec = try analysis.result.get()
            #expect(spec.service(named: "api")?.deploy.migrate == expected, "\(value)")
            #expect(analysis.warnings.isEmpty, "\(analysis.warnings)")
        }
        let none = try StackFile.parse(Self.stack(migrate: "[db]").replacingOccurrences(of: "      migrate: [db]\n", with: "      strategy: rolling\n"), file: "steward.yaml").get()
        #expect(none.service(named: "api")?.deploy.migrate == [])
    }

    /// An unknown name, a database without migrations, a Redis dependency, a repeat and a mapping
    /// are each an error at the item, saying what was found and what was expected.
    @Test func badNamesAreErrorsWithTheirPosition() {
        #expect(StackFileErrorTests.errors(Self.stack(migrate: "[dbb]")) == [
            "steward.yaml:13:17: unknown reference 'dbb' in 'migrate' in deploy policy of service 'api'; expected a declared postgres dependency: db, reports; did you mean 'db'?"
        ])
        #expect(StackFileErrorTests.errors(Self.stack(migrate: "[db, reports]")) == [
            "steward.yaml:13:21: invalid value 'reports' for 'migrate' in deploy policy of service 'api': 'reports' declares no migrations (add `migrations: DIRECTORY` to it); expected a dependency with migrations: db"
        ])
        #expect(StackFileErrorTests.errors(Self.stack(migrate: "cache")) == [
            "steward.yaml:13:16: invalid value 'cache' for 'migrate' in deploy policy of service 'api': 'cache' is a redis dependency and only PostgreSQL databases are migrated; expected a postgres dependency: db, reports"
        ])
        let repeated = StackFileErrorTests.errors(Self.stack(migrate: "[db, db]"))
        #expect(repeated.count == 1)
        #expect(repeated.first?.hasPrefix("steward.yaml:13:21: ") == true, "\(repeated)")
        #expect(repeated.first?.contains("each dependency once") == true, "\(repeated)")
        let mapping = StackFileErrorTests.errors(Self.stack(migrate: "{db: true}"))
        #expect(mapping.count == 1)
        #expect(mapping.first?.hasPrefix("steward.yaml:13:16: ") == true, "\(mapping)")
        #expect(mapping.first?.contains("a list of postgres dependencies with migrations, such as [db]") == true, "\(mapping)")
    }
}
