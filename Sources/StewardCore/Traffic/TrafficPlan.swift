/// Decides the traffic proxy's table from the state: which ready instances serve each stable port.
///
/// Pure: the control plane calls it after every change and pushes the result when it differs from
/// what the proxy last accepted. The rules:
///
/// - **Which environment gets the port.** A service has one `port:` and the stack several
///   environments on one host, so only one environment can listen there: the *traffic
///   environment* (`steward serve --traffic-env`, by default the stack's first environment).
///   Other environments get no route; their instances stay reachable on their own ports.
/// - **Which instances.** Only instances a release still wants and no deployment is about to
///   stop: a rolling deployment's retired old instances and, once it aborts, all its new ones
///   leave the table in the same step that decides to stop them, so the control plane can push
///   the table *before* it asks the agent to stop them (drain). Only ready instances with a
///   known port become upstreams.
/// - **Weights.** During a rolling deployment each release weighs its share of the ready
///   instances (1 old and 1 new ready: 50/50); during a blue/green or canary rollout the new
///   release (`green` / `canary`) weighs the deployment's ``Deployment/weight`` — 0 until its
///   steps say otherwise, when it is reached only through `X-Steward-Release` — and the old one
///   the rest; otherwise the one release weighs 100. A release with no
///   ready instance is left out; a route with none at all stays, empty, so the port keeps
///   listening and answers 503 instead of refusing connections.
public enum TrafficPlan {
    /// The host the proxy reaches instances on: the agent runs them on loopback.
    public static let upstreamHost = "127.0.0.1"

    /// The table and the instances it sends traffic to.
    public struct Plan: Sendable, Equatable {
        public var table: TrafficTable
        /// Every instance that is an upstream in ``table``.
        public var instances: Set<String>
    }

    /// The routes of the stack's services with a `port:` in `environment`.
    ///
    /// - Parameters:
    ///   - readyPorts: the port of each ready instance (from the agent's latest snapshot, or
    ///     ``readyPorts(in:)`` before one arrived).
    ///   - environment: the traffic environment; nil means the stack's first.
    public static func plan(_ state: StackState, readyPorts: [String: Int], environment: String? = nil) -> Plan {
        guard let stack = state.stack, let environment = environment ?? stack.environments.first?.name,
            stack.environment(named: environment) != nil
        else { return Plan(table: TrafficTable(), instances: []) }
        var routes: [TrafficRoute] = []
        var used: Set<String> = []
        for service in stack.services.sorted(by: { $0.name < $1.name }) {
            guard let port = service.port else { continue }
            let target = ServiceEnvironment(service: service.name, environment: environment)
            var releases: [(number: Int, name: String, weight: Int?, upstreams: [String])] = []
            for candidate in candidates(state, target) {
                let ready = candidate.instances.filter { readyPorts[$0] != nil }
                guard !ready.isEmpty else { continue }
                used.formUnion(ready)
                releases.append(
                    (candidate.release, candidate.name, candidate.weight, ready.map { "\(upstreamHost):\(readyPorts[$0]!)" }))
            }
            let total = releases.reduce(0) { $0 + $1.upstreams.count }
            let targets = releases.map { release in
                TrafficRelease(
                    release: release.number, name: release.name,
                    weight: releases.count == 1 ? 100 : release.weight ?? max(1, release.upstreams.count * 100 / total),
                    upstreams: release.upstreams)
            }
            routes.append(TrafficRoute(service: service.name, environment: environment, listenPort: port, releases: targets))
        }
        return Plan(table: TrafficTable(routes: routes), instances: used)
    }

    /// The releases that may serve a target, the instances of each that may take traffic, and
    /// their weights when a rollout sets them (nil: by share of ready instances).
    static func candidates(_ state: StackState, _ target: ServiceEnvironment)
        -> [(release: Int, name: String, weight: Int?, instances: [String])]
    {
        guard let deployment = state.activeDeployment(for: target) else {
            guard let release = state.currentRelease(for: target) else { return [] }
            return [(release.number, "stable", nil, release.instanceIDs)]
        }
        if let rollout = deployment.rollout, deployment.phase == .rolling || deployment.phase == .warm {
            // The old release serves until the steps move weight; the new one is there from its first ready instance.
            var result: [(Int, String, Int?, [String])] = []
            if let previous = deployment.previousRelease {
                let old = deployment.oldInstances.filter { !deployment.retired.contains($0) && !deployment.stopped.contains($0) }
                result.append((previous, "stable", 100 - deployment.weight, old))
            }
            result.append((deployment.release, rollout.releaseName, deployment.weight, deployment.newInstances))
            return result
        }
        var result: [(Int, String, Int?, [String])] = []
        if let previous = deployment.previousRelease {
            // Aborting: the old instances stay or come back (readiness decides when they serve again).
            let old = deployment.phase == .aborting
                ? deployment.oldInstances
                : deployment.oldInstances.filter { !deployment.retired.contains($0) && !deployment.stopped.contains($0) }
            result.append((previous, "stable", nil, old))
        }
        if deployment.phase == .rolling {
            result.append((deployment.release, "next", nil, deployment.startedNewInstances.filter { !deployment.stopped.contains($0) }))
        }
        return result
    }

    /// The ports of the instances whose last recorded observation says ready: what the log knows
    /// before the agent's first snapshot after a restart.
    public static func readyPorts(in state: StackState) -> [String: Int] {
        var ports: [String: Int] = [:]
        for (id, observation) in state.instances where observation.change == .ready {
            if let port = observation.port { ports[id] = port }
        }
        return ports
    }
}
