import Foundation
import StewardCore
import StewardOps
import StewardRuntime
import Testing

/// How a release becomes the exact spec an agent runs.
struct InstancePlannerTests {
    static let stack = """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://app:${secret:DB_PASSWORD}@127.0.0.1:5432/app
          cache:
            type: redis
            url: redis://127.0.0.1:6379/0
        services:
          api:
            command: /bin/true
            env:
              DATABASE_URL: ${dependencies.db.url}
            readiness:
              postgres: ${dependencies.db.url}
            liveness:
              redis: ${dependencies.cache.url}
        environments:
          development: {}
        """

    static func planner(secrets: [String: String]) throws -> (InstancePlanner, Release) {
        guard case .success(let stack) = StackFile.parse(Self.stack, file: "steward.yaml") else {
            Issue.record("the test stack does not parse")
            throw CancellationError()
        }
        let service = try #require(stack.effectiveService("api", in: "development"))
        let release = Release(
            number: 1, service: "api", environment: "development", version: "1.0.0", spec: service,
            createdAt: Date(timeIntervalSince1970: 0), createdBy: "test")
        let planner = InstancePlanner(stack: stack, baseDirectory: "/srv", secrets: SecretSource { secrets[$0] })
        return (planner, release)
    }

    /// Probe targets that reference dependencies reach the agent resolved, secrets included.
    @Test func probeReferencesAreResolved() throws {
        let (planner, release) = try Self.planner(secrets: ["DB_PASSWORD": "s3cret"])
        let spec = try planner.instanceSpec(release.instanceID(0), of: release)
        #expect(spec.readiness?.check == .postgres(url: "postgres://app:s3cret@127.0.0.1:5432/app"))
        #expect(spec.liveness?.check == .redis(url: "redis://127.0.0.1:6379/0"))
        #expect(spec.env["DATABASE_URL"] == "postgres://app:s3cret@127.0.0.1:5432/app")
    }

    /// A probe that needs a secret that is not set fails the plan with a message naming it.
    @Test func unresolvableProbeReferenceFails() throws {
        let (planner, release) = try Self.planner(secrets: [:])
        #expect(throws: InstancePlanner.Failure.self) { try planner.instanceSpec(release.instanceID(0), of: release) }
        do {
            _ = try planner.instanceSpec(release.instanceID(0), of: release)
        } catch {
            #expect("\(error)".contains("DB_PASSWORD"))
        }
    }
}

extension InstancePlannerTests {
    /// A release resolves dependency URLs from its own snapshot, not from the stack as it is now.
    @Test func releaseUsesItsOwnDependencySnapshot() throws {
        let (planner, current) = try Self.planner(secrets: ["DB_PASSWORD": "s3cret"])
        var old = current
        old.dependencyURLs = ["db": "postgres://app:${secret:DB_PASSWORD}@10.0.0.9:5432/old", "cache": "redis://10.0.0.9:6379/1"]
        let spec = try planner.instanceSpec(old.instanceID(0), of: old)
        #expect(spec.env["DATABASE_URL"] == "postgres://app:s3cret@10.0.0.9:5432/old")
        #expect(spec.readiness?.check == .postgres(url: "postgres://app:s3cret@10.0.0.9:5432/old"))
        #expect(spec.liveness?.check == .redis(url: "redis://10.0.0.9:6379/1"))
    }
}
