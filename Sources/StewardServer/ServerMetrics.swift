import Foundation
public import Prometheus
import StewardCore
import StewardRuntime
import StewardOps

/// The control plane's Prometheus metrics, served at `/metrics`.
///
/// Counters move as events are appended and requests are answered; gauges describing
/// instances and deployments are refreshed from the state right before each scrape.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let eventsTotal: Counter
    let requestDuration: DurationHistogram

    public init() {
        eventsTotal = registry.makeCounter(name: "steward_events_total", help: "Events appended to the log.")
        requestDuration = registry.makeDurationHistogram(
            name: "steward_http_request_duration_seconds",
            buckets: [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)],
            help: "API request latency.")
    }

    /// Counts an appended event.
    public func eventAppended() { eventsTotal.increment() }

    /// Refreshes the gauges from the current state and renders the text format.
    /// - Parameter backups: the stored backups, for `steward_backups_total` and the age of the newest verified one.
    public func render(
        state: StackState, snapshot: AgentSnapshot?, agentReachable: Bool, backups: [BackupView] = [], now: Date = Date()
    ) -> String {
        registry.makeGauge(name: "steward_agent_up", help: "1 when the agent answers.").set(Double(agentReachable ? 1 : 0))
        let active = state.activeDeployments.count
        registry.makeGauge(name: "steward_deployments_active", help: "Deployments in progress.").set(Double(active))
        for phase in [Deployment.Phase.succeeded, .failed] {
            let count = state.deployments.values.filter { $0.phase == phase }.count
            registry.makeGauge(name: "steward_deployments", labels: [("phase", phase.rawValue)], help: "Deployments by final phase.")
                .set(Double(count))
        }
        var counts: [[String]: (ready: Int, total: Int, restarts: Int)] = [:]
        for instance in snapshot?.instances ?? [] {
            let key = [instance.spec.service, instance.spec.environment]
            var value = counts[key] ?? (0, 0, 0)
            value.total += 1
            value.ready += instance.ready ? 1 : 0
            value.restarts += instance.restarts
            counts[key] = value
        }
        for (key, value) in counts {
            let labels = [("service", key[0]), ("environment", key[1])]
            registry.makeGauge(name: "steward_instances", labels: labels, help: "Instances on the agent.").set(Double(value.total))
            registry.makeGauge(name: "steward_instances_ready", labels: labels, help: "Instances passing readiness.")
                .set(Double(value.ready))
            registry.makeGauge(name: "steward_instance_restarts", labels: labels, help: "Restarts of current instances.")
                .set(Double(value.restarts))
        }
        for dependency in state.dependencies.values {
            registry.makeGauge(name: "steward_dependency_up", labels: [("dependency", dependency.name)], help: "1 when reachable.")
                .set(Double(dependency.up ? 1 : 0))
        }
        let stored = Dictionary(grouping: backups.filter { $0.manifest != nil }) { [$0.dependency, $0.environment] }
        for (key, group) in stored {
            let labels = [("dependency", key[0]), ("environment", key[1])]
            registry.makeGauge(name: "steward_backups_total", labels: labels, help: "Backups in the store.")
                .set(Double(group.count))
            // The age that matters for recovery: how old the newest backup known to restore is.
            if let newest = group.filter(\.verified).compactMap(\.manifest?.createdAt).max() {
                registry.makeGauge(
                    name: "steward_backup_newest_verified_age_seconds", labels: labels,
                    help: "Age of the newest backup whose verification passed."
                ).set(max(0, now.timeIntervalSince(newest)))
            }
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
