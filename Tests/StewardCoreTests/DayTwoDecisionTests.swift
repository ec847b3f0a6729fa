import Foundation
import StewardCore
import Testing

/// What restart, scale, start and down act on and when they refuse: pure decisions over folded state.
struct DayTwoDecisionTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    let api = ServiceEnvironment(service: "api", environment: "production")
    let web = ServiceEnvironment(service: "web", environment: "production")
    let apiStaging = ServiceEnvironment(service: "api", environment: "staging")

    static let stackText = """
        stack: shop
        services:
          api:
            command: /bin/api
            instances: 2
          web:
            command: /bin/web
        environments:
          staging: {}
          production:
            instances: {api: 3}
        """

    /// A state with the stack applied.
    func stackState() throws -> StackState {
        var state = StackState()
        state.apply(.stackApplied(StackApplied(spec: try StackFile.parse(Self.stackText, file: "s.yaml").get(), digest: "d", file: "s.yaml")))
        return state
    }

    /// Records a release of `target` and a succeeded deployment of it, as the log would.
    @discardableResult
    func serve(_ target: ServiceEnvironment, in state: inout StackState, scaled: Int? = nil) throws -> Release {
        let spec = try #require(state.stack?.effectiveService(target.service, in: target.environment))
        let release = Release(
            number: state.nextReleaseNumber, service: target.service, environment: target.environment, version: "1.0.0",
            overrides: ["MODE": "fast"], spec: spec, dependencyURLs: ["db": "postgres://db"], scaledInstances: scaled,
            createdAt: t0, createdBy: "alice")
        let current = state.currentRelease(for: target)
        let deployment = Deployment(
            id: state.nextDeploymentID, target: target, release: release.number, previousRelease: current?.number,
            oldInstances: current?.instanceIDs ?? [], newInstances: release.instanceIDs, batchSize: 1,
            readinessTimeout: .seconds(30), requestedBy: "alice", createdAt: t0)
        state.apply(.releaseCreated(release))
        state.apply(.deploymentCreated(deployment))
        state.apply(.deploymentFinished(DeploymentFinished(
            id: deployment.id, target: target, release: release.number, phase: .succeeded, reason: nil, at: t0)))
        return release
    }

    /// A deployment of `target` that has started and not finished.
    func beginDeployment(of target: ServiceEnvironment, in state: inout StackState) -> Int {
        let deployment = Deployment(
            id: state.nextDeploymentID, target: target, release: 99, previousRelease: state.current[target],
            oldInstances: [], newInstances: ["x"], batchSize: 1, readinessTimeout: .seconds(30), requestedBy: "bob",
            createdAt: t0)
        state.apply(.deploymentCreated(deployment))
        return deployment.id
    }

    func stop(_ target: ServiceEnvironment, in state: inout StackState) throws {
        let release = try #require(state.current[target])
        state.apply(.serviceStopped(ServiceStopped(target: target, release: release, reason: "test")))
    }

    // MARK: Restart

    /// A restart runs the current release again; a copy keeps version, overrides, spec, URLs and scale, under a new number.
    @Test func restartCopiesTheCurrentRelease() throws {
        var state = try stackState()
        let current = try serve(api, in: &state, scaled: 5)
        let base = try state.releaseToRestart(api)
        #expect(base == current)
        let again = base.again(number: 7, createdAt: t0.addingTimeInterval(60), createdBy: "carol")
        #expect(again.number == 7 && again.createdBy == "carol")
        #expect(again.version == current.version && again.overrides == current.overrides)
        #expect(again.spec == current.spec && again.dependencyURLs == current.dependencyURLs)
        #expect(again.scaledInstances == 5 && again.spec.instances == 5)
        #expect(Set(again.instanceIDs).isDisjoint(with: current.instanceIDs), "every instance of the copy is new")
    }

    /// A restart is refused while deploying, when stopped (pointing at start), scaled to 0, never deployed, or unknown.
    @Test func restartRefusals() throws {
        var state = try stackState()
        #expect(throws: ControlPlaneError.notFound(
            "api/production is not running: it was never deployed there; `steward deploy api --env production --version V` deploys it"
        )) { try state.releaseToRestart(api) }
        #expect(throws: ControlPlaneError.notFound("unknown service 'nope'; the stack has: api, web")) {
            try state.releaseToRestart(ServiceEnvironment(service: "nope", environment: "production"))
        }
        #expect(throws: ControlPlaneError.notFound("unknown environment 'qa'; the stack has: staging, production")) {
            try state.releaseToRestart(ServiceEnvironment(service: "api", environment: "qa"))
        }
        let release = try serve(api, in: &state)
        let id = beginDeployment(of: api, in: &state)
        #expect(throws: ControlPlaneError.conflict("deployment \(id) of api/production is still pending; wait for it or abort it")) {
            try state.releaseToRestart(api)
        }
        state.apply(.deploymentFinished(DeploymentFinished(id: id, target: api, release: 99, phase: .failed, reason: "x", at: t0)))
        try stop(api, in: &state)
        #expect(throws: ControlPlaneError.conflict(
            "api/production is stopped; `steward start api --env production` runs release r\(release.number) again, then restart it"
        )) { try state.releaseToRestart(api) }
        try serve(web, in: &state, scaled: 0)
        #expect(throws: ControlPlaneError.conflict(
            "web/production is scaled to 0, so there is nothing to restart; `steward scale web --env production N` runs it again"
        )) { try state.releaseToRestart(web) }
    }

    // MARK: Scale

    /// Counts outside 0…256 are refused first, naming the range; both bounds are accepted.
    @Test func scaleLimits() throws {
        var state = try stackState()
        try serve(api, in: &state)
        for bad in [-1, 257, Int.max] {
            #expect(throws: ControlPlaneError.invalid("instances must be from 0 to 256, got \(bad)")) {
                try state.releaseToScale(api, to: bad)
            }
        }
        #expect(throws: ControlPlaneError.invalid("instances must be from 0 to 256, got -1")) {
            try state.releaseToScale(ServiceEnvironment(service: "nope", environment: "qa"), to: -1)
        }
        for good in [0, 256] { #expect(try state.releaseToScale(api, to: good).number == state.current[api]) }
    }

    /// The scaled count sticks: it is pinned on the release and every copy carries it, including after a stop.
    @Test func scaleSticks() throws {
        var state = try stackState()
        let unpinned = try serve(api, in: &state)
        #expect(unpinned.spec.instances == 3)
        #expect(state.scaledInstances(for: api) == nil)
        let scaled = try state.releaseToScale(api, to: 5).again(number: 9, createdAt: t0, createdBy: "op").scaled(to: 5)
        #expect(scaled.spec.instances == 5 && scaled.scaledInstances == 5)
        #expect(scaled.instanceIDs.count == 5)
        try serve(api, in: &state, scaled: 5)
        #expect(state.scaledInstances(for: api) == 5)
        #expect(state.scaledInstances(for: apiStaging) == nil, "a pin belongs to one environment")
        #expect(throws: ControlPlaneError.conflict("api/production is already scaled to 5 instance(s) (release r\(state.current[api]!))")) {
            try state.releaseToScale(api, to: 5)
        }
        try stop(api, in: &state)
        #expect(state.scaledInstances(for: api) == 5, "the stopped release keeps the pin for start and deploy")
        #expect(throws: ControlPlaneError.self) { try state.releaseToScale(api, to: 2) }
    }

    /// A release created with a pin runs that count, whatever the spec said.
    @Test func aPinnedReleaseRunsItsCount() throws {
        let spec = ServiceSpec(name: "api", command: "/bin/api", instances: 3)
        let release = Release(number: 4, service: "api", environment: "production", version: "2", spec: spec, scaledInstances: 0, createdAt: t0, createdBy: "a")
        #expect(release.spec.instances == 0 && release.instanceIDs.isEmpty)
    }

    // MARK: Start

    /// A stop remembers its release; start runs it; a success there forgets it.
    @Test func startRunsTheStoppedRelease() throws {
        var state = try stackState()
        let release = try serve(api, in: &state)
        #expect(throws: ControlPlaneError.conflict("api/production is already running (release r\(release.number)); nothing to start")) {
            try state.releaseToStart(api)
        }
        try stop(api, in: &state)
        #expect(state.current[api] == nil)
        #expect(state.stopped[api] == release.number)
        #expect(try state.releaseToStart(api) == release)
        try serve(api, in: &state)
        #expect(state.stopped[api] == nil, "a deployment that succeeded there ends the stopped state")
    }

    /// Start refuses a service never deployed there, an unknown one, and one with a deployment in flight.
    @Test func startRefusals() throws {
        var state = try stackState()
        #expect(throws: ControlPlaneError.notFound(
            "api/staging has no stopped release to start: it was never deployed there; `steward deploy api --env staging --version V` deploys it"
        )) { try state.releaseToStart(apiStaging) }
        #expect(throws: ControlPlaneError.notFound("unknown service 'nope'; the stack has: api, web")) {
            try state.releaseToStart(ServiceEnvironment(service: "nope", environment: "staging"))
        }
        try serve(api, in: &state)
        try stop(api, in: &state)
        let id = beginDeployment(of: api, in: &state)
        #expect(throws: ControlPlaneError.conflict("deployment \(id) of api/production is still pending; wait for it or abort it")) {
            try state.releaseToStart(api)
        }
        state.apply(.deploymentFinished(DeploymentFinished(id: id, target: api, release: 99, phase: .failed, reason: "x", at: t0)))
        #expect(try state.releaseToStart(api).service == "api", "a failed start leaves the stopped release to start")

        // The stack file is the source of truth: a service removed from it is not started, restarted or scaled again.
        let withoutAPI = try StackFile.parse(
            "stack: shop\nservices:\n  web:\n    command: /bin/web\nenvironments:\n  staging: {}\n  production: {}\n", file: "s.yaml"
        ).get()
        state.apply(.stackApplied(StackApplied(spec: withoutAPI, digest: "d2", file: "s.yaml")))
        #expect(throws: ControlPlaneError.notFound("unknown service 'api'; the stack has: web")) { try state.releaseToStart(api) }
        try serve(web, in: &state)
        state.apply(.stackApplied(StackApplied(spec: StackSpec(name: "empty", environments: []), digest: "d3", file: "s.yaml")))
        #expect(throws: ControlPlaneError.notFound("unknown service 'web'; the stack has: ")) { try state.releaseToRestart(web) }
        #expect(try state.stopsToTakeDown("production", reason: "x").map(\.target) == [web], "down still stops what was removed")
    }

    /// A stop of a release that is no longer current (a late event) changes nothing.
    @Test func aStaleStopIsIgnored() throws {
        var state = try stackState()
        let first = try serve(api, in: &state)
        let second = try serve(api, in: &state)
        state.apply(.serviceStopped(ServiceStopped(target: api, release: first.number, reason: "late")))
        #expect(state.current[api] == second.number)
        #expect(state.stopped[api] == nil)
    }

    // MARK: Down

    /// Down stops every service running in the environment, by name, and nothing elsewhere.
    @Test func downStopsOnlyThatEnvironment() throws {
        var state = try stackState()
        let webRelease = try serve(web, in: &state)
        let apiRelease = try serve(api, in: &state)
        try serve(apiStaging, in: &state)
        let stops = try state.stopsToTakeDown("production", reason: "maintenance")
        #expect(stops == [
            ServiceStopped(target: api, release: apiRelease.number, reason: "maintenance"),
            ServiceStopped(target: web, release: webRelease.number, reason: "maintenance"),
        ])
        for stop in stops { state.apply(.serviceStopped(stop)) }
        #expect(Array(state.current.keys) == [apiStaging])
        #expect(state.stopped == [api: apiRelease.number, web: webRelease.number])
        #expect(try state.stopsToTakeDown("production", reason: "again") == [], "nothing left to stop is not an error")
    }

    /// Down is refused while any deployment runs in the environment (each named), and for an unknown environment.
    @Test func downRefusals() throws {
        var state = try stackState()
        try serve(api, in: &state)
        try serve(apiStaging, in: &state)
        let first = beginDeployment(of: web, in: &state)
        #expect(throws: ControlPlaneError.conflict(
            "cannot take production down: deployment \(first) of web/production is still pending; wait for it or abort it"
        )) { try state.stopsToTakeDown("production", reason: "x") }
        #expect(try state.stopsToTakeDown("staging", reason: "x").map(\.target) == [apiStaging], "another environment's deployment does not matter")
        #expect(throws: ControlPlaneError.notFound("unknown environment 'qa'; the stack has: staging, production")) {
            try state.stopsToTakeDown("qa", reason: "x")
        }
    }

    // MARK: Rolling

    /// Restarting 3 instances one batch at a time: new instances are ready before old ones stop, so
    /// the ready count never drops below 3 at any step; scaling up never drops below the old count,
    /// and scaling down reaches the new count only at the end.
    @Test(arguments: [(3, 3, 1), (3, 3, 2), (2, 4, 1), (4, 2, 1), (2, 0, 1)])
    func readyNeverDropsBelowTheLowerCount(old: Int, new: Int, batch: Int) {
        var deployment = Deployment(
            id: 1, kind: .restart, target: api, release: 2, previousRelease: 1,
            oldInstances: (0..<old).map { "api-production-r1-\($0)" }, newInstances: (0..<new).map { "api-production-r2-\($0)" },
            batchSize: batch, readinessTimeout: .seconds(30), requestedBy: "op", createdAt: t0)
        var ready = Set(deployment.oldInstances)
        var lowest = ready.count
        var pending = deployment.handle(.start(at: t0)) ?? []
        // Play the engine: start → ready, stop → stopped, one effect at a time.
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            switch effect {
            case .startInstances(let ids, _):
                for id in ids {
                    ready.insert(id)
                    pending += deployment.handle(.instanceReady(id, at: t0)) ?? []
                }
            case .stopInstances(let ids):
                for id in ids {
                    ready.remove(id)
                    lowest = min(lowest, ready.count)
                    pending += deployment.handle(.instanceStopped(id, at: t0)) ?? []
                }
            case .scheduleDeadline, .scheduleWake, .runSmoke, .runChecklist, .finished:
                break
            }
        }
        #expect(deployment.phase == .succeeded)
        #expect(lowest >= min(old, new))
        #expect(ready == Set(deployment.newInstances))
    }
}
