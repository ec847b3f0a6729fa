import Foundation
import Logging
public import StewardCore
import StewardRuntime

extension ControlPlane {
    /// The table the proxy should serve now (``TrafficPlan``).
    ///
    /// Readiness and ports come from the agent's latest snapshot, the live truth; before the
    /// first one after a start, from the last observations in the log, so a restarted control
    /// plane pushes what it knew rather than an empty table.
    public var desiredTraffic: TrafficPlan.Plan {
        let ports: [String: Int]
        if let agentSnapshot {
            ports = Self.readyPorts(agentSnapshot.instances, recorded: state)
        } else {
            ports = TrafficPlan.readyPorts(in: state)
        }
        return TrafficPlan.plan(state, readyPorts: ports, environment: trafficEnvironment)
    }

    /// The port of each instance that serves: ready on the agent, or adopted by a restarted agent
    /// that has not probed it yet and last recorded ready. A restarted agent knows nothing of
    /// readiness until its first probes (milliseconds later); the instances did not stop serving,
    /// and dropping them meanwhile would leave a stable port with no upstream.
    static func readyPorts(_ instances: [InstanceStatus], recorded state: StackState) -> [String: Int] {
        let serving = instances.filter { $0.ready || ($0.awaitingFirstProbe && state.instances[$0.id]?.change == .ready) }
        return Dictionary(serving.map { ($0.id, $0.port) }, uniquingKeysWith: { first, _ in first })
    }

    func trafficPushed(_ plan: TrafficPlan.Plan) {
        pushedTraffic = plan
        proxyReachable = true
    }

    func trafficPushFailed() { proxyReachable = false }

    /// Keeps the proxy's table equal to ``desiredTraffic``: pushes it at start (the state is
    /// already folded from the log, so a restarted control plane restores the table) and after
    /// every change, retrying with back-off while the proxy is unreachable or refuses it.
    /// Returns at once when no proxy is configured.
    nonisolated func pushTraffic() async {
        guard let proxy else { return }
        var signals = trafficSignals.makeAsyncIterator()
        var delay = Duration.milliseconds(100)
        var failing = false
        while !Task.isCancelled {
            let desired = await desiredTraffic
            if await pushedTraffic?.table == desired.table {
                // Up to date: sleep until something changes (nil: shut down).
                guard await signals.next() != nil else { return }
                continue
            }
            do {
                try await proxy.replaceRoutes(with: desired.table)
                await trafficPushed(desired)
                if failing { logger.info("the proxy at \(proxy.baseURL) took the routing table again") }
                failing = false
                delay = .milliseconds(100)
            } catch {
                if Task.isCancelled { return }
                // Said once per outage, not on every retry.
                if !failing { logger.warning("cannot push the routing table: \(error); retrying") }
                failing = true
                await trafficPushFailed()
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// Waits until the proxy sends no new request to `instances`, before they are stopped.
    ///
    /// The instances already left ``desiredTraffic`` in the step that decided to stop them;
    /// this waits for the push of that table. It never blocks a deployment for long: without a
    /// proxy it returns at once, while the proxy is unreachable it does not wait (no traffic
    /// flows through it anyway), and otherwise it gives up after ``drainTimeout``.
    nonisolated func drain(_ instances: [String]) async {
        guard proxy != nil else { return }
        trafficSink.yield()
        let deadline = ContinuousClock.now + Self.drainTimeout
        while !Task.isCancelled, ContinuousClock.now < deadline {
            if let pushed = await pushedTraffic, pushed.instances.isDisjoint(with: instances) { return }
            guard await proxyReachable else { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !Task.isCancelled {
            logger.warning("stopping \(instances.joined(separator: ", ")) before the proxy confirmed they left its table")
        }
    }

    /// The longest a stop waits for the proxy to take the instance out of its table.
    static var drainTimeout: Duration { .seconds(10) }
}
