import Foundation
import StewardCore
import Testing

/// The proxy's table decided from state alone: which ready instances serve each stable port, and with what weight.
struct TrafficPlanTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    let api = ServiceEnvironment(service: "api", environment: "production")

    static let stackText = """
        stack: shop
        services:
          api:
            command: /bin/api
            port: 8080
          worker:
            command: /bin/worker
        environments:
          staging: {}
          production:
            instances: {api: 3, worker: 2}
        """

    func stackState() throws -> StackState {
        var state = StackState()
        state.apply(.stackApplied(StackApplied(spec: try StackFile.parse(Self.stackText, file: "s.yaml").get(), digest: "d", file: "s.yaml")))
        return state
    }

    /// Records a release of `target` and a deployment of it; a finished one when `finish`.
    @discardableResult
    func deploy(_ target: ServiceEnvironment, in state: inout StackState, finish: Bool) throws -> Deployment {
        let spec = try #require(state.stack?.effectiveService(target.service, in: target.environment))
        let release = Release(
            number: state.nextReleaseNumber, service: target.service, environment: target.environment, version: "1.0.\(state.nextReleaseNumber)",
            spec: spec, createdAt: t0, createdBy: "alice")
        let current = state.currentRelease(for: target)
        var deployment = Deployment(
            id: state.nextDeploymentID, target: target, release: release.number, previousRelease: current?.number,
            oldInstances: current?.instanceIDs ?? [], newInstances: release.instanceIDs, batchSize: 1,
            readinessTimeout: .seconds(30), requestedBy: "alice", createdAt: t0)
        state.apply(.releaseCreated(release))
        state.apply(.deploymentCreated(deployment))
        if finish {
            state.apply(.deploymentFinished(DeploymentFinished(
                id: deployment.id, target: target, release: release.number, phase: .succeeded, reason: nil, at: t0)))
        } else {
            _ = deployment.handle(.start(at: t0))
            state.deployments[deployment.id] = deployment
        }
        return deployment
    }

    /// Feeds a deployment an input, as the fold of its step would.
    func feed(_ id: Int, _ input: Deployment.Input, in state: inout StackState) throws -> [Deployment.Effect] {
        var deployment = try #require(state.deployments[id])
        let effects = deployment.handle(input) ?? []
        state.deployments[id] = deployment
        return effects
    }

    func route(_ plan: TrafficPlan.Plan) throws -> TrafficRoute {
        try #require(plan.table.routes.first { $0.service == "api" && $0.environment == "production" })
    }

    @Test func aServingReleaseGetsAllTheTrafficOfItsReadyInstances() throws {
        var state = try stackState()
        try deploy(api, in: &state, finish: true)
        let ports = ["api-production-r1-0": 20001, "api-production-r1-1": 20002, "api-production-r1-2": 20003]
        let plan = TrafficPlan.plan(state, readyPorts: ports, environment: "production")
        #expect(plan.table.routes.count == 1, "worker has no port, staging is not the traffic environment")
        let route = try route(plan)
        #expect(route.listenPort == 8080)
        #expect(route.releases == [
            TrafficRelease(release: 1, name: "stable", weight: 100, upstreams: ["127.0.0.1:20001", "127.0.0.1:20002", "127.0.0.1:20003"])
        ])
        #expect(plan.instances == Set(ports.keys))
    }

    @Test func unreadyInstancesAreNotUpstreams() throws {
        var state = try stackState()
        try deploy(api, in: &state, finish: true)
        let one = TrafficPlan.plan(state, readyPorts: ["api-production-r1-1": 20002], environment: "production")
        #expect(try route(one).releases.map(\.upstreams) == [["127.0.0.1:20002"]])
        // None ready: the route stays, empty, so the port answers 503 rather than refusing connections.
        let none = TrafficPlan.plan(state, readyPorts: [:], environment: "production")
        #expect(try route(none).releases.isEmpty)
        #expect(none.instances.isEmpty)
    }

    @Test func weightsFollowTheReadyCountsDuringARollingDeploymentAndRetiredInstancesDrain() throws {
        var state = try stackState()
        try deploy(api, in: &state, finish: true)
        let rolling = try deploy(api, in: &state, finish: false)
        var ports = ["api-production-r1-0": 20001, "api-production-r1-1": 20002, "api-production-r1-2": 20003]
        // The first new instance started but is not ready: the old release keeps everything.
        #expect(try route(TrafficPlan.plan(state, readyPorts: ports, environment: "production")).releases.map(\.weight) == [100])

        ports["api-production-r2-0"] = 20004
        let effects = try feed(rolling.id, .instanceReady("api-production-r2-0", at: t0), in: &state)
        #expect(effects.contains(.stopInstances(["api-production-r1-0"])))
        // r1-0 is still up and ready, but it is about to stop: it left the table in the same step.
        let plan = TrafficPlan.plan(state, readyPorts: ports, environment: "production")
        #expect(try route(plan).releases == [
            TrafficRelease(release: 1, name: "stable", weight: 66, upstreams: ["127.0.0.1:20002", "127.0.0.1:20003"]),
            TrafficRelease(release: 2, name: "next", weight: 33, upstreams: ["127.0.0.1:20004"]),
        ])
        #expect(!plan.instances.contains("api-production-r1-0"))

        _ = try feed(rolling.id, .instanceStopped("api-production-r1-0", at: t0), in: &state)
        ports["api-production-r1-0"] = nil
        ports["api-production-r2-1"] = 20005
        _ = try feed(rolling.id, .instanceReady("api-production-r2-1", at: t0), in: &state)
        #expect(try route(TrafficPlan.plan(state, readyPorts: ports, environment: "production")).releases.map(\.weight) == [33, 66])
    }

    @Test func anAbortingDeploymentDrainsItsNewInstances() throws {
        var state = try stackState()
        try deploy(api, in: &state, finish: true)
        let rolling = try deploy(api, in: &state, finish: false)
        let ports = ["api-production-r1-0": 20001, "api-production-r1-1": 20002, "api-production-r1-2": 20003, "api-production-r2-0": 20004]
        let effects = try feed(rolling.id, .abort(reason: "no", at: t0), in: &state)
        #expect(effects.contains(.stopInstances(["api-production-r2-0"])))
        let plan = TrafficPlan.plan(state, readyPorts: ports, environment: "production")
        #expect(try route(plan).releases.map(\.release) == [1])
        #expect(!plan.instances.contains("api-production-r2-0"))
    }

    @Test func aStoppedServiceKeepsAnEmptyRoute() throws {
        var state = try stackState()
        let release = try deploy(api, in: &state, finish: true)
        state.apply(.serviceStopped(ServiceStopped(target: api, release: release.release, reason: "maintenance")))
        let plan = TrafficPlan.plan(state, readyPorts: ["api-production-r1-0": 20001], environment: "production")
        #expect(try route(plan).releases.isEmpty)
    }

    @Test func theTrafficEnvironmentDefaultsToTheFirstAndAnUnknownOneRoutesNothing() throws {
        var state = try stackState()
        try deploy(api, in: &state, finish: true)
        let ports = ["api-production-r1-0": 20001]
        let byDefault = TrafficPlan.plan(state, readyPorts: ports)
        #expect(byDefault.table.routes.map(\.environment) == ["staging"])
        #expect(byDefault.table.routes.first?.releases.isEmpty == true)
        #expect(TrafficPlan.plan(state, readyPorts: ports, environment: "nowhere").table.routes.isEmpty)
        #expect(TrafficPlan.plan(StackState(), readyPorts: ports).table.routes.isEmpty)
    }

    @Test func theLogsLastObservationsGiveTheReadyPortsBeforeTheAgentAnswers() {
        var state = StackState()
        state.apply(.instanceObserved(.init(instanceID: "a", change: .ready, message: "", port: 20001)))
        state.apply(.instanceObserved(.init(instanceID: "b", change: .ready, message: "", port: 20002)))
        state.apply(.instanceObserved(.init(instanceID: "b", change: .unready, message: "", port: 20002)))
        state.apply(.instanceObserved(.init(instanceID: "c", change: .ready, message: "")))
        #expect(TrafficPlan.readyPorts(in: state) == ["a": 20001])
    }

    /// The table's JSON is the proxy's `PUT /v1/routes` body (docs/proxy.md).
    @Test func theTableEncodesAsTheProxysBody() throws {
        let table = TrafficTable(routes: [
            TrafficRoute(service: "api", environment: "production", listenPort: 8080, releases: [
                TrafficRelease(release: 1, name: "stable", weight: 100, upstreams: ["127.0.0.1:20001"])
            ])
        ])
        let text = String(decoding: try JSONEncoder.steward.encode(table), as: UTF8.self)
        #expect(text == #"{"routes":[{"environment":"production","listenPort":8080,"releases":[{"name":"stable","release":1,"upstreams":["127.0.0.1:20001"],"weight":100}],"service":"api"}]}"#)
    }
}
