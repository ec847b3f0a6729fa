import Foundation
import Testing

@testable import StewardCore

/// The schema's keys held against the keys Steward enforces: every key a file sets is either
/// enforced or warned about by position, so the warning disappears exactly when a feature lands.
@Suite struct EnforcedKeysTests {
    /// A document that sets every key of the schema (the model test's full document).
    static var everyKey: String { StackFileTests.full }

    static func analyze(_ text: String) -> StackFile.Analysis { StackFile.analyze(text, file: "steward.yaml") }

    /// The full document is valid and sets every key of every schema section, so the tests below
    /// cover the whole schema.
    @Test func theFullDocumentSetsEveryKeyOfTheSchema() throws {
        let analysis = Self.analyze(Self.everyKey)
        _ = try analysis.result.get()
        let read = Set(analysis.keysRead.map(\.key))
        let missing = StackFile.Schema.allKeys.filter { !read.contains($0) }
        #expect(missing.isEmpty, "the full document does not set: \(missing)")
    }

    /// Every key that is not enforced gets a warning, at its own path or at an unenforced key
    /// above it; every enforced key gets none.
    @Test func everyKeyIsEnforcedOrWarnedAbout() throws {
        let analysis = Self.analyze(Self.everyKey)
        let warned = Set(analysis.warnings.map(\.keyPath))
        #expect(!warned.isEmpty)
        for (key, path) in analysis.keysRead {
            if StackFile.EnforcedKeys.contains(key) {
                #expect(!warned.contains(path), "\(path) is enforced but warned about")
            } else {
                let ancestors = StackFile.Diagnostics.pathAndAncestors(path)
                #expect(ancestors.contains(where: warned.contains), "\(path) (\(key)) is not enforced and not warned about")
            }
        }
    }

    /// A warning is only about an unenforced key, and never about a key under one that is
    /// already warned about (one warning per unenforced section, not one per line of it).
    @Test func warningsAreOnlyForUnenforcedKeysAndNotRepeatedBelow() {
        let warnings = Self.analyze(Self.everyKey).warnings
        let paths = Set(warnings.map(\.keyPath))
        for warning in warnings {
            #expect(!StackFile.EnforcedKeys.contains(warning.schemaKey), "\(warning)")
            let above = StackFile.Diagnostics.pathAndAncestors(warning.keyPath).dropFirst()
            #expect(!above.contains(where: paths.contains), "\(warning) is under another warning")
        }
    }

    /// The enforcement list names only keys the schema has (a misspelt entry would silence nothing).
    @Test func enforcedKeysAreSchemaKeys() {
        let schema = Set(StackFile.Schema.allKeys)
        for (section, names) in StackFile.EnforcedKeys.bySection {
            for name in names {
                #expect(schema.contains(.init(section, name)), "\(section.rawValue).\(name) is not in the schema")
            }
        }
    }

    /// Each warning points at its key: the text at its line and column is the key's name.
    @Test func warningsPointAtTheirKey() {
        let lines = Self.everyKey.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for warning in Self.analyze(Self.everyKey).warnings {
            let line = lines[warning.line - 1]
            let rest = line.unicodeScalars.dropFirst(warning.column - 1)
            #expect(String(rest).hasPrefix(warning.schemaKey.name), "\(warning) points at: \(line)")
            #expect(warning.keyPath.hasSuffix(warning.schemaKey.name))
        }
    }

    /// The warning renders as one positioned line saying how far the key is enforced.
    @Test func warningRendersWithPositionAndKeyPath() throws {
        let text = "stack: shop\nservices:\n  api:\n    command: /bin/api\n    deploy:\n      rollback: [\"error_rate > 5% for 5m\"]\n"
        let analysis = Self.analyze(text)
        _ = try analysis.result.get()
        let warning = try #require(analysis.warnings.first { $0.keyPath == "services.api.deploy.rollback" })
        #expect(warning.line == 6)
        #expect(warning.column == 7)
        #expect(
            warning.description
                == "steward.yaml:6:7: warning: `services.api.deploy.rollback` is only partly enforced by this version: "
                + "checked during blue/green and canary rollouts in the traffic environment, not during rolling deployments"
        )
    }

    /// A file that sets only enforced keys gets no warnings.
    @Test func enforcedKeysAloneGiveNoWarnings() throws {
        let text = """
            stack: shop
            services:
              api:
                command: /bin/api
                args: [--port, "${port}"]
                instances: 2
                readiness: {http: /readyz, interval: 1s}
                deploy: {maxSurge: 2, readinessTimeout: 30s}
            environments:
              production:
                instances: {api: 3}
                env: {LOG_LEVEL: info}
            """
        let analysis = Self.analyze(text)
        _ = try analysis.result.get()
        #expect(analysis.warnings.isEmpty, "\(analysis.warnings)")
    }

    /// Warnings are reported for a file with errors too, so one pass tells everything.
    @Test func warningsComeWithErrors() {
        let text = "stack: shop\nservices:\n  api:\n    command: /bin/api\n    port: nope\n    dependsOn: []\n"
        let analysis = Self.analyze(text)
        #expect((try? analysis.result.get()) == nil)
        #expect(analysis.warnings.map(\.keyPath).contains("services.api.dependsOn"))
    }

    /// `parse` agrees with `analyze`: warnings never turn a valid file into an invalid one.
    @Test func parseIgnoresWarnings() throws {
        let analysis = Self.analyze(Self.everyKey)
        #expect(!analysis.warnings.isEmpty)
        let parsed = try StackFile.parse(Self.everyKey, file: "steward.yaml").get()
        #expect(try analysis.result.get() == parsed)
    }

    /// Every example stack's warnings each name a key that is not enforced.
    @Test func examplesWarnOnlyAboutUnenforcedKeys() throws {
        for file in try StackFileExamplesTests.exampleFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            let analysis = StackFile.analyze(text, file: file.lastPathComponent)
            _ = try analysis.result.get()
            for warning in analysis.warnings {
                #expect(!StackFile.EnforcedKeys.contains(warning.schemaKey), "\(warning)")
            }
        }
    }
}

extension EnforcedKeysTests {
    /// Rolling, blue/green and canary all run with their steps; rollback rules are checked during rollouts only.
    @Test func everyStrategyIsEnforcedRollbackRulesOnlyPartly() throws {
        let text = """
            version: 1
            stack: shop
            services:
              api:
                command: /bin/true
                deploy:
                  strategy: canary
                  keepPrevious: 1m
                  smoke: ["curl -f http://127.0.0.1:8080/healthz"]
                  canary:
                    steps:
                      - weight: 10
                      - pause: 30s
                      - analysis: ["error_rate > 5% for 1m"]
                  rollback: ["p95 > 3s for 5m"]
            environments:
              development: {}
            """
        let warned = Self.analyze(text).warnings.map(\.keyPath)
        #expect(warned.filter { $0.contains("deploy") }.sorted()
            == ["services.api.deploy.rollback"], "\(warned)")
    }

    /// Backups run from the control plane (create into the destination, verify with integrity
    /// queries, prune by retention), on their schedule (cron in a time zone) and before deploys:
    /// every key is enforced.
    @Test func backupKeysThatRunAreEnforced() throws {
        let text = """
            version: 1
            stack: shop
            dependencies:
              db:
                url: postgres://app@127.0.0.1:5432/app
            services:
              api:
                command: /bin/true
            environments:
              production:
                backupRetention: {maxAge: 30d, keepDaily: 7}
            backups:
              - dependency: db
                schedule: "0 2 * * *"
                timeZone: America/New_York
                destination: s3://bucket/db
                retention: {keepLast: 3}
                verify: true
                integrityQueries: ["SELECT 1 WHERE false"]
                beforeDeploy: true
            """
        let warned = Set(Self.analyze(text).warnings.map(\.keyPath))
        for key in [
            "dependency", "schedule", "timeZone", "retention", "verify", "integrityQueries", "keepLast", "destination", "beforeDeploy",
        ] {
            #expect(!warned.contains { $0.hasSuffix(key) }, "\(key) is enforced: \(warned)")
        }
        #expect(!warned.contains("backups"))
        #expect(!warned.contains { $0.contains("backupRetention") })
    }
}
