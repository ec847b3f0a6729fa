import Foundation
import StewardCore
import Testing

/// `steward promote SERVICE --from --to`: which release, and whether it has been healthy long enough.
struct PromotionDecisionTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let instances = ["api-staging-r1-0", "api-staging-r1-1"]

    static func observation(_ index: Int, _ change: InstanceObservation.Change, _ seconds: Double) -> HealthHistory.Observation {
        .init(instance: instances[index], change: change, at: t0.addingTimeInterval(seconds))
    }

    /// Ready since it became current: healthy since then; a later unready-then-ready restarts the count.
    @Test func healthySinceCountsFromTheLastRecovery() {
        let served = Self.t0.addingTimeInterval(10)
        var observations = [Self.observation(0, .ready, 5), Self.observation(1, .ready, 8)]
        #expect(HealthHistory.healthySince(instances: Self.instances, servingSince: served, observations: observations) == served)
        observations += [Self.observation(1, .unready, 100), Self.observation(1, .adopted, 110)]
        #expect(HealthHistory.healthySince(instances: Self.instances, servingSince: served, observations: observations) == nil)
        observations.append(Self.observation(1, .ready, 120))
        #expect(
            HealthHistory.healthySince(instances: Self.instances, servingSince: served, observations: observations)
                == Self.t0.addingTimeInterval(120))
        #expect(
            HealthHistory.healthySince(instances: Self.instances, servingSince: served, observations: [Self.observation(0, .ready, 5)])
                == nil, "an instance never seen ready")
    }

    /// Too short: the refusal names how long it has been healthy and what is required; long enough: none.
    @Test func minimumHealthyTimeRefusal() {
        let release = Release(
            number: 1, service: "api", environment: "staging", version: "1.4.2", spec: ServiceSpec(name: "api", command: "/bin/true"),
            createdAt: Self.t0, createdBy: "alice")
        let early = HealthHistory.promotionRefusal(
            of: release, healthySince: Self.t0, required: .hours(1), now: Self.t0.addingTimeInterval(25 * 60 + 3))
        #expect(
            early == "release r1 (1.4.2) of api in staging has been healthy for 25m 3s; staging asks for 1h "
                + "(minimumHealthyTime) before it is promoted: try again after 34m 57s")
        #expect(HealthHistory.promotionRefusal(of: release, healthySince: Self.t0, required: .hours(1), now: Self.t0.addingTimeInterval(3600)) == nil)
        #expect(HealthHistory.promotionRefusal(of: release, healthySince: Self.t0, required: nil, now: Self.t0) == nil)
        #expect(HealthHistory.promotionRefusal(of: release, healthySince: nil, required: nil, now: Self.t0)?.contains("not healthy now") == true)
    }

    /// The source must run the service, follow `promotesTo`, and not be deploying.
    @Test func releaseToPromoteRefusals() throws {
        let text = """
            stack: shop
            services:
              api: {command: /bin/true}
            environments:
              staging: {promotesTo: production, minimumHealthyTime: 1h}
              production: {approvals: 2}
              qa: {}
            """
        let stack = try StackFile.parse(text, file: "steward.yaml").get()
        var state = StackState()
        state.apply(.stackApplied(StackApplied(spec: stack, digest: "d", file: "steward.yaml")))
        #expect(throws: ControlPlaneError.notFound("api/staging runs no release to promote; deploy it there first")) {
            try state.releaseToPromote("api", from: "staging", to: "production")
        }
        #expect(throws: ControlPlaneError.invalid("staging promotes to production (its `promotesTo`), not to qa")) {
            try state.releaseToPromote("api", from: "staging", to: "qa")
        }
        #expect(throws: ControlPlaneError.invalid("--from and --to are both 'qa'; promote to another environment")) {
            try state.releaseToPromote("api", from: "qa", to: "qa")
        }
        #expect(throws: ControlPlaneError.notFound("unknown environment 'prod'; the stack has: staging, production, qa")) {
            try state.releaseToPromote("api", from: "staging", to: "prod")
        }
        let spec = try #require(stack.effectiveService("api", in: "staging"))
        let release = Release(number: 1, service: "api", environment: "staging", version: "1.4.2", spec: spec, createdAt: Self.t0, createdBy: "alice")
        let target = ServiceEnvironment(service: "api", environment: "staging")
        let deployment = Deployment(
            id: 1, target: target, release: 1, previousRelease: nil, oldInstances: [], newInstances: release.instanceIDs,
            batchSize: 1, readinessTimeout: .seconds(30), requestedBy: "alice", createdAt: Self.t0)
        state.apply(.releaseCreated(release))
        state.apply(.deploymentCreated(deployment))
        state.apply(.deploymentFinished(.init(id: 1, target: target, release: 1, phase: .succeeded, reason: nil, at: Self.t0)))
        #expect(try state.releaseToPromote("api", from: "staging", to: "production") == release)
        #expect(state.servingSince(target) == Self.t0)
    }
}
