import Foundation
import StewardCore
import StewardStore

/// The realistic history the golden log was generated from, once, with the v1 format.
///
/// It drives the deployment state machine like the control plane does (decide, then record the
/// step and its result) so the events are the ones a real run writes: a stack applied, a token,
/// a first deployment, a rolling update with instances ready and stopped, a failed deployment
/// that rolls back its instances, a rollback to an earlier release, observations, and a checkpoint.
/// Only used to regenerate `Golden/golden-v1.jsonl` (`STEWARD_WRITE_GOLDEN=1`); later versions
/// must read the committed file, not this code's output.
struct GoldenScenario {
    static let stackText = """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://shop@127.0.0.1:5432/shop
        services:
          api:
            command: /usr/bin/shop-api
            args: [--port, "${port}"]
            env:
              DATABASE_URL: ${dependencies.db.url}
            readiness:
              http:
                path: /healthz
            deploy:
              maxSurge: 1
              readinessTimeout: 30s
        environments:
          production:
            instances:
              api: 2
        """

    private(set) var events: [(event: StewardEvent, actor: String, time: Date)] = []
    private(set) var state = StackState()
    /// How many events come before the checkpoint the golden log carries.
    private(set) var checkpointAfter = 0
    private var clock = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    /// Builds the whole history.
    static func build() throws -> GoldenScenario {
        guard case .success(let stack) = StackFile.parse(stackText, file: "steward.yaml") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var scenario = GoldenScenario()
        let target = ServiceEnvironment(service: "api", environment: "production")
        scenario.record(.stackApplied(StackApplied(spec: stack, digest: EventHash.sha256Hex(stackText), file: "steward.yaml")), actor: "steward")
        scenario.record(.tokenCreated(name: "admin", role: "admin"), actor: "steward")
        scenario.record(.controlPlaneStarted(ControlPlaneStarted(version: "0.1.0", adoptedInstances: 0, resumedDeployments: [])), actor: "steward")
        scenario.record(.dependencyObserved(DependencyObservation(name: "db", up: true, message: "reachable")), actor: "steward")

        // 1: first release, two instances, nothing to replace.
        let d1 = try scenario.deploy(stack, version: "1.0.0", actor: "alice")
        scenario.step(d1, .start(at: scenario.now()), actor: "alice")
        scenario.ready(d1, "api-production-r1-0")
        scenario.ready(d1, "api-production-r1-1")

        // 2: rolling update, one instance at a time.
        let d2 = try scenario.deploy(stack, version: "1.1.0", actor: "alice")
        scenario.step(d2, .start(at: scenario.now()), actor: "alice")
        scenario.ready(d2, "api-production-r2-0")
        scenario.step(d2, .instanceStopped("api-production-r1-0", at: scenario.now()))
        scenario.ready(d2, "api-production-r2-1")
        scenario.step(d2, .instanceStopped("api-production-r1-1", at: scenario.now()))

        // 3: the second new instance crashes: abort, stop the new ones, bring the retired one back.
        let d3 = try scenario.deploy(stack, version: "1.2.0", actor: "bob")
        scenario.step(d3, .start(at: scenario.now()), actor: "bob")
        scenario.ready(d3, "api-production-r3-0")
        scenario.step(d3, .instanceStopped("api-production-r2-0", at: scenario.now()))
        scenario.record(.instanceObserved(InstanceObservation(instanceID: "api-production-r3-1", change: .exited, message: "exit status 1", pid: 4103, port: 20013)), actor: "steward")
        scenario.step(d3, .instanceFailed("api-production-r3-1", reason: "exit status 1", at: scenario.now()))
        scenario.step(d3, .instanceStopped("api-production-r3-0", at: scenario.now()))
        scenario.step(d3, .instanceStopped("api-production-r3-1", at: scenario.now()))
        scenario.record(.instanceObserved(InstanceObservation(instanceID: "api-production-r2-0", change: .missing, message: "wanted but not running; starting it again")), actor: "steward")
        scenario.observeReady("api-production-r2-0", pid: 4110, port: 20020)

        scenario.checkpointAfter = scenario.events.count

        // 4: roll back to the release served before the current one (1.0.0).
        let d4 = try scenario.rollback(target, actor: "alice")
        scenario.step(d4, .start(at: scenario.now()), actor: "alice")
        scenario.ready(d4, "api-production-r4-0")
        scenario.step(d4, .instanceStopped("api-production-r2-0", at: scenario.now()))
        scenario.ready(d4, "api-production-r4-1")
        scenario.step(d4, .instanceStopped("api-production-r2-1", at: scenario.now()))

        scenario.record(.dependencyObserved(DependencyObservation(name: "db", up: false, message: "connection refused")), actor: "steward")
        scenario.record(.controlPlaneStarted(ControlPlaneStarted(version: "0.1.0", adoptedInstances: 2, resumedDeployments: [])), actor: "steward")
        return scenario
    }

    mutating func now() -> Date {
        clock = clock.addingTimeInterval(1.25)
        return clock
    }

    mutating func record(_ event: StewardEvent, actor: String = "steward") {
        guard !state.isRepeat(event) else { return }
        events.append((event, actor, now()))
        state.apply(event)
    }

    /// Decide, then record the step with its result and, in the same breath, the outcome.
    mutating func step(_ id: Int, _ input: Deployment.Input, actor: String = "steward") {
        guard var deployment = state.deployments[id], let effects = deployment.handle(input) else { return }
        record(.deploymentStep(id: id, input, result: deployment.progress), actor: actor)
        for case .finished(let phase, let reason) in effects {
            record(.deploymentFinished(DeploymentFinished(
                id: id, target: deployment.target, release: deployment.release, phase: phase, reason: reason,
                at: deployment.finishedAt ?? input.at)), actor: actor)
        }
    }

    mutating func ready(_ id: Int, _ instance: String) {
        let port = 20000 + (events.count % 100)
        observeReady(instance, pid: Int32(4000 + events.count), port: port)
        step(id, .instanceReady(instance, at: now()))
    }

    mutating func observeReady(_ instance: String, pid: Int32, port: Int) {
        record(.instanceObserved(InstanceObservation(instanceID: instance, change: .ready, message: "passed readiness", pid: pid, port: port)))
    }

    mutating func deploy(_ stack: StackSpec, version: String, actor: String) throws -> Int {
        let target = ServiceEnvironment(service: "api", environment: "production")
        let spec = try need(stack.effectiveService("api", in: "production"))
        let release = Release(
            number: state.nextReleaseNumber, service: "api", environment: "production", version: version,
            overrides: version == "1.2.0" ? ["FEATURE_FLAGS": "new-pricing", "LOG_LEVEL": "debug"] : [:],
            spec: spec, createdAt: now(), createdBy: actor)
        return plan(release, kind: .deploy, target: target, actor: actor)
    }

    mutating func rollback(_ target: ServiceEnvironment, actor: String) throws -> Int {
        let previous = try need(state.previousRelease(for: target))
        let release = Release(
            number: state.nextReleaseNumber, service: previous.service, environment: previous.environment,
            version: previous.version, overrides: previous.overrides, spec: previous.spec, createdAt: now(),
            createdBy: actor)
        return plan(release, kind: .rollback, target: target, actor: actor)
    }

    private mutating func plan(_ release: Release, kind: Deployment.Kind, target: ServiceEnvironment, actor: String) -> Int {
        let current = state.currentRelease(for: target)
        let deployment = Deployment(
            id: state.nextDeploymentID, kind: kind, target: target, release: release.number,
            previousRelease: current?.number, oldInstances: current?.instanceIDs ?? [], newInstances: release.instanceIDs,
            batchSize: release.spec.deploy.maxSurge, readinessTimeout: release.spec.deploy.readinessTimeout,
            requestedBy: actor, createdAt: now())
        record(.releaseCreated(release), actor: actor)
        record(.deploymentCreated(deployment), actor: actor)
        return deployment.id
    }
}

/// Unwraps a value the scenario needs.
private func need<T>(_ value: T?) throws -> T {
    guard let value else { throw CocoaError(.fileReadCorruptFile) }
    return value
}
