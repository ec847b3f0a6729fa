import Foundation
import StewardCore
import StewardOps
import StewardRuntime
import StewardStore
import Testing

/// `${secret:NAME}` reads the vault for the instance's environment, then the shared value, then
/// `STEWARD_SECRET_NAME`.
struct VaultSecretSourceTests {
    static let stack = """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://app:${secret:DB_PASSWORD}@127.0.0.1:5432/app
        services:
          api:
            command: /bin/true
            env:
              DATABASE_URL: ${dependencies.db.url}
              JWT_KEY: ${secret:JWT_KEY}
              LEGACY: ${secret:LEGACY}
          worker:
            command: /bin/true
            env:
              TOKEN: ${secret:WORKER_TOKEN}
        environments:
          staging: {}
          production: {}
        """

    static func planner(_ vault: SecretVault, environment: [String: String] = [:]) throws -> InstancePlanner {
        guard case .success(let stack) = StackFile.parse(Self.stack, file: "steward.yaml") else {
            Issue.record("the test stack does not parse")
            throw CancellationError()
        }
        return InstancePlanner(
            stack: stack, baseDirectory: "/srv", secrets: .vault(vault, fallback: .environment(environment)))
    }

    static func release(_ service: String, in environment: String, of planner: InstancePlanner) throws -> Release {
        let spec = try #require(planner.stack.effectiveService(service, in: environment))
        return Release(
            number: 1, service: service, environment: environment, version: "1.0.0", spec: spec,
            createdAt: Date(timeIntervalSince1970: 0), createdBy: "test")
    }

    /// Each environment gets its own value when it has one, the shared value otherwise, and the
    /// process environment only for what the vault does not hold; dependency URLs too.
    @Test func resolutionOrderIsOwnThenSharedThenEnvironment() throws {
        let vault = SecretVault(log: try EventLog.inMemory(), key: .generate())
        try vault.set("DB_PASSWORD", environment: nil, value: "shared-db", actor: "test")
        try vault.set("DB_PASSWORD", environment: "production", value: "prod-db", actor: "test")
        try vault.set("JWT_KEY", environment: nil, value: "jwt-1", actor: "test")
        try vault.rotate("JWT_KEY", environment: nil, value: "jwt-2", actor: "test")
        let planner = try Self.planner(vault, environment: ["STEWARD_SECRET_LEGACY": "from-env", "STEWARD_SECRET_JWT_KEY": "ignored"])

        let production = try planner.instanceSpec("api-production-r1-0", of: try Self.release("api", in: "production", of: planner))
        #expect(production.env["DATABASE_URL"] == "postgres://app:prod-db@127.0.0.1:5432/app")
        #expect(production.env["JWT_KEY"] == "jwt-2")
        #expect(production.env["LEGACY"] == "from-env")
        let staging = try planner.instanceSpec("api-staging-r1-0", of: try Self.release("api", in: "staging", of: planner))
        #expect(staging.env["DATABASE_URL"] == "postgres://app:shared-db@127.0.0.1:5432/app")
        // Outside any environment (the control plane's own dependency probes) only the shared value is read.
        let db = try #require(planner.stack.dependency(named: "db"))
        #expect(try planner.resolveDependencyURL(db) == "postgres://app:shared-db@127.0.0.1:5432/app")
    }

    /// A secret set nowhere fails the plan with a message that says how to set it.
    @Test func aMissingSecretSaysHowToSetIt() throws {
        let vault = SecretVault(log: try EventLog.inMemory(), key: .generate())
        let planner = try Self.planner(vault)
        let error = #expect(throws: InstancePlanner.Failure.self) {
            try planner.instanceSpec("worker-staging-r1-0", of: try Self.release("worker", in: "staging", of: planner))
        }
        #expect(error?.description == "secret WORKER_TOKEN is not set (`steward secret set WORKER_TOKEN --env staging`, or set STEWARD_SECRET_WORKER_TOKEN for the control plane)")
    }

    /// A vault sealed under another key fails the plan naming the secret and the key problem, not a missing secret.
    @Test func aWrongKeyFailsThePlanClearly() throws {
        let log = try EventLog.inMemory()
        try SecretVault(log: log, key: .generate()).set("WORKER_TOKEN", environment: nil, value: "t", actor: "test")
        let planner = try Self.planner(SecretVault(log: log, key: .generate()), environment: ["STEWARD_SECRET_WORKER_TOKEN": "env"])
        let error = #expect(throws: InstancePlanner.Failure.self) {
            try planner.instanceSpec("worker-staging-r1-0", of: try Self.release("worker", in: "staging", of: planner))
        }
        #expect(error?.description.hasPrefix("secret WORKER_TOKEN cannot be read: secret WORKER_TOKEN version 1 was sealed under vault key") == true)
    }

    /// The secrets a release reads are found directly and through dependency URLs, whether set or not.
    @Test func secretsUsedByAReleaseIncludeDependencyURLs() throws {
        let planner = try Self.planner(SecretVault(log: try EventLog.inMemory(), key: .generate()))
        #expect(planner.secretsUsed(by: try Self.release("api", in: "staging", of: planner)) == ["DB_PASSWORD", "JWT_KEY", "LEGACY"])
        #expect(planner.secretsUsed(by: try Self.release("worker", in: "staging", of: planner)) == ["WORKER_TOKEN"])
    }
}
