import Foundation
import StewardCore
import Testing

/// Every stack file in `examples/` parses without errors, and states what its guide says.
@Suite struct StackFileExamplesTests {
    static let examplesDirectory: URL = {
        // Tests/StewardCoreTests/<this file> → repository root.
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
    }()

    static func exampleFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: examplesDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func load(_ name: String) throws -> StackSpec {
        let url = examplesDirectory.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        switch StackFile.parse(text, file: "examples/\(name)") {
        case .success(let spec): return spec
        case .failure(let errors):
            Issue.record("examples/\(name) has errors:\n\(errors)")
            throw errors
        }
    }

    @Test func everyExampleParsesWithoutErrors() throws {
        let files = try Self.exampleFiles()
        #expect(
            files.map(\.lastPathComponent) == [
                "auterity.yaml", "data-aggregator.yaml", "loan-management.yaml", "smartunderwrite.yaml",
            ])
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let result = StackFile.parse(text, file: "examples/\(file.lastPathComponent)")
            if case .failure(let errors) = result {
                Issue.record("examples/\(file.lastPathComponent):\n\(errors)")
            }
        }
    }

    static let rollbackRules = [
        MetricRule(
            metric: .errorRate, comparison: .greaterThan, threshold: 0.05, duration: .minutes(5),
            source: "error_rate > 5% for 5m"),
        MetricRule(
            metric: .p95, comparison: .greaterThan, threshold: 3, duration: .minutes(5), source: "p95 > 3s for 5m"),
    ]

    @Test func smartUnderwriteHasTheGuidesHealthEndpointsRetentionAndRunbooks() throws {
        let stack = try Self.load("smartunderwrite.yaml")
        let api = try #require(stack.service(named: "api"))
        #expect(api.liveness?.check == .http(.init(path: "/api/health/healthz", expectJSON: ["status": "Healthy"])))
        #expect(
            api.readiness?.check
                == .http(
                    .init(
                        path: "/api/health/readyz", expectStatus: 200...200,
                        expectJSON: ["status": "Ready", "checks.database": "Healthy", "checks.storage": "Healthy"])))
        #expect(api.dependsOn == ["db", "documents"])
        #expect(stack.dependencies.map(\.kind) == [.postgres, .s3])
        #expect(stack.environment(named: "staging")?.backupRetention == RetentionSpec(maxAge: .days(3)))
        #expect(stack.environment(named: "production")?.backupRetention?.maxAge == .days(7))
        #expect(stack.environment(named: "production")?.approvals == 1)
        #expect(stack.backups.first?.beforeDeploy == true)
        #expect(
            stack.runbooks.map(\.name) == [
                "kill-idle-in-transaction", "rotate-jwt-secret", "update-statistics", "archive-audit-logs",
                "failed-logins",
                "suspicious-activity", "emergency-outage",
            ])
        let kill = try #require(stack.runbooks.first)
        let terminate = kill.steps[2]
        guard case .sql("db", let statements) = terminate.action else {
            Issue.record("expected an sql step, found \(terminate.action)")
            return
        }
        #expect(statements.first?.contains("state = 'idle in transaction'") == true)
        #expect(terminate.confirm)
        #expect(terminate.condition?.text == "steps.count-stuck.value > 0")
    }

    @Test func dataAggregatorHasTheGuidesSLOsSeveritiesEscalationAndRecovery() throws {
        let stack = try Self.load("data-aggregator.yaml")
        #expect(
            stack.slos.map(\.objective) == [
                .availability(percent: 99.9), .latency(percentile: 95, below: .milliseconds(500)),
                .latency(percentile: 99, below: .seconds(2)), .errorRate(belowPercent: 0.1),
            ])
        #expect(stack.slos.allSatisfy { $0.window == .days(30) && $0.service == "backend" })
        let incidents = try #require(stack.incidents)
        #expect(incidents.responseTargets == [.p0: .minutes(15), .p1: .hours(2), .p2: .days(1), .p3: .days(7)])
        #expect(
            incidents.escalation == [
                .init(after: .seconds(0), notify: ["on-call"]),
                .init(after: .minutes(30), notify: ["engineering-lead"]),
                .init(after: .hours(1), notify: ["cto"]),
            ])
        #expect(stack.recovery == RecoveryObjectivesSpec(rto: .hours(4), rpo: .hours(24)))
        #expect(stack.environment(named: "production")?.backupRetention == RetentionSpec(maxAge: .days(30)))
        #expect(stack.environment(named: "staging")?.backupRetention == RetentionSpec(maxAge: .days(7)))
        #expect(stack.backups.first?.schedule == "0 2 * * *")
        #expect(stack.alerts.map(\.severity) == [.p0, .p1, .p0, .p2])
        #expect(stack.alerts.first { $0.name == "DatabaseDown" }?.inhibits == ["HighErrorRate", "HighLatency"])
        #expect(stack.dependency(named: "cache")?.required == false)
        #expect(stack.runbooks.first?.name == "clear-cache")
        #expect(stack.runbooks.first?.steps[1].action == .redis(dependency: "cache", command: ["FLUSHDB"]))
        #expect(stack.runbooks.first?.steps.last?.action == .scale(service: "backend", instances: 3))
    }

    @Test func loanManagementPromotesThroughEnvironmentsWithACanaryAndRollbackRules() throws {
        let stack = try Self.load("loan-management.yaml")
        #expect(stack.environments.map(\.name) == ["development", "staging", "production"])
        #expect(stack.environments.map(\.promotesTo) == ["staging", "production", nil])
        #expect(stack.environments.map { $0.instances["backend"] } == [2, 2, 4])
        #expect(stack.environments.map(\.approvals) == [0, 1, 2])
        #expect(
            stack.environment(named: "production")?.window
                == DeploymentWindow(
                    weekdays: [7], startMinute: 2 * 60, endMinute: 6 * 60, timeZone: "America/New_York",
                    source: "Sun 02:00-06:00 America/New_York"))
        #expect(stack.environment(named: "staging")?.window?.weekdays == [1, 2, 3, 4, 5])
        let deploy = try #require(stack.service(named: "backend")).deploy
        #expect(deploy.strategy == .canary)
        #expect(
            deploy.canary
                == CanaryPolicy(steps: [
                    .weight(10), .analysis(Self.rollbackRules), .pause(nil), .weight(50), .pause(nil), .weight(100),
                ]))
        #expect(deploy.rollbackRules == Self.rollbackRules)
        #expect(deploy.smoke.count == 3)
        #expect(stack.backups.first?.beforeDeploy == true)
        #expect(stack.backups.first?.retention == RetentionSpec(maxAge: .days(30)))
        #expect(stack.dependencies.map(\.name) == ["db", "cache", "documents", "docusign", "sendgrid", "auth0"])
    }

    @Test func auterityUsesBlueGreenWithTenHealthCheckRetriesAndRequiredVariables() throws {
        let stack = try Self.load("auterity.yaml")
        let api = try #require(stack.service(named: "api"))
        #expect(api.deploy.strategy == .blueGreen)
        #expect(api.deploy.healthCheckRetries == 10)
        #expect(api.deploy.rollbackRules == Self.rollbackRules)
        #expect(api.readiness?.check == .http(.init(path: "/api/health/readiness", expectJSON: ["status": "ready"])))
        #expect(api.readiness?.interval == .seconds(30))
        #expect(api.restart.mode == .always)
        #expect(
            stack.environment(named: "production")?.requiredEnv == [
                "DATABASE_URL", "REDIS_URL", "JWT_SECRET_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            ])
        #expect(stack.environment(named: "production")?.instances["api"] == 3)
        #expect(stack.environment(named: "production")?.backupRetention == RetentionSpec(maxAge: .days(30)))
        #expect(stack.environment(named: "staging")?.backupRetention == RetentionSpec(maxAge: .days(7)))
        #expect(stack.runbooks.map(\.name) == ["emergency-restart", "performance-diagnostics", "disaster-recovery"])
    }
}
