import Foundation
import StewardCore
import Testing

/// `backups[].physical`: pgBackRest for a postgres dependency.
@Suite struct PhysicalBackupStackFileTests {
    static func stack(_ physical: String) -> String {
        """
        version: 1
        stack: shop
        dependencies:
          db: {type: postgres, url: "postgres://app@127.0.0.1:5432/app"}
        services:
          api:
            command: /bin/true
        backups:
          - dependency: db
            physical:
        \(physical)
        """
    }

    /// Only the two paths are required; the rest defaults to a Debian cluster's values.
    @Test func defaultsAreTheDebianCluster() throws {
        let spec = try StackFile.parse(
            Self.stack("      dataDirectory: /var/lib/postgresql/15/main\n      repository: /srv/pgbackrest"),
            file: "steward.yaml"
        ).get()
        #expect(
            spec.backups.first?.physical
                == PhysicalBackupSpec(
                    dataDirectory: "/var/lib/postgresql/15/main", repository: "/srv/pgbackrest",
                    configDirectory: "/etc/steward/pgbackrest", port: 5432, socketDirectory: "/var/run/postgresql",
                    user: "postgres", systemUser: "postgres", retentionFull: 2, retentionDiff: nil))
        let warnings = StackFile.analyze(
            Self.stack("      dataDirectory: /var/lib/postgresql/15/main\n      repository: /srv/pgbackrest"), file: "steward.yaml"
        ).warnings
        #expect(!warnings.contains { $0.keyPath.contains("physical") }, "physical is enforced: \(warnings)")
    }

    /// A missing repository, a relative or quoted path and a zero retention are errors with their position.
    @Test func badValuesAreErrorsWithTheirPosition() {
        let errors = StackFileErrorTests.errors(
            Self.stack("      dataDirectory: data\n      configDirectory: \"/etc/it's\"\n      retentionFull: 0"))
        #expect(errors.count == 4, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("steward.yaml:11:7:") && $0.contains("repository") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("steward.yaml:11:22:") && $0.contains("an absolute path") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("steward.yaml:12:24:") && $0.contains("configDirectory") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("steward.yaml:13:22:") && $0.contains("retentionFull") }, "\(errors)")
    }
}
