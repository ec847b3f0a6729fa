import Logging
import Foundation
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// Takes in what an agent reports: records changes, feeds deployments, repairs drift.
    ///
    /// Readiness changes, restarts and exits become events only when they differ from the
    /// last recorded observation, so a restarted control plane does not repeat them.
    public func observe(_ snapshot: AgentSnapshot) {
        agentSnapshot = snapshot
        agentReachable = true
        var events: [StewardEvent] = []
        for status in snapshot.instances {
            let last = state.instances[status.id]?.change
            let port = status.port
            if status.ready, last != .ready {
                events.append(.instanceObserved(.init(instanceID: status.id, change: .ready, message: "passed readiness", pid: status.pid, port: port)))
            } else if !status.ready, last == .ready {
                events.append(.instanceObserved(.init(instanceID: status.id, change: .unready, message: status.message, pid: status.pid, port: port)))
            }
            if let known = lastRestarts[status.id], status.restarts > known {
                events.append(.instanceObserved(.init(instanceID: status.id, change: .restarted, message: status.message, pid: status.pid, port: port)))
            }
            lastRestarts[status.id] = status.restarts
        }
        if !events.isEmpty {
            do { try record(events) } catch { logger.error("cannot record observations: \(error)") }
        }
        if !resumed {
            resumeAfterStart(snapshot)
        }
        feedDeployments(snapshot)
        reconcile(snapshot)
        // Readiness and ports come from the snapshot: the traffic table may follow.
        trafficSink.yield()
    }

    /// Marks the agent unreachable (the watcher calls this when a poll fails).
    public func agentLost() { agentReachable = false }

    /// After a restart: record what was adopted and continue unfinished deployments.
    private func resumeAfterStart(_ snapshot: AgentSnapshot) {
        resumed = true
        let present = Set(snapshot.instances.map(\.id))
        let adopted = state.wantedInstances.keys.filter(present.contains).count
        let active = state.activeDeployments
        try? record([.controlPlaneStarted(.init(version: StewardVersion.current, adoptedInstances: adopted, resumedDeployments: active.map(\.id)))])
        for deployment in active {
            if deployment.phase == .pending {
                handle(deployment.id, .start(at: Date()))
            } else {
                perform(deployment.resume(), deployment: deployment.id)
            }
        }
    }

    private func feedDeployments(_ snapshot: AgentSnapshot) {
        let byID = Dictionary(snapshot.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for deployment in state.activeDeployments where deployment.phase == .rolling && deployment.batch < deployment.batchCount {
            for id in deployment.newBatch(deployment.batch) {
                guard let status = byID[id] else { continue }
                if status.ready {
                    handle(deployment.id, .instanceReady(id, at: Date()))
                } else if status.state == .exited || status.failedStarts >= Self.failedStartsBeforeGivingUp {
                    handle(deployment.id, .instanceFailed(id, reason: status.message, at: Date()))
                }
            }
        }
    }

    /// Starts wanted instances that are missing and stops instances nobody wants.
    ///
    /// Instances that belong to a deployment in flight are left to that deployment.
    func reconcile(_ snapshot: AgentSnapshot) {
        let wanted = state.wantedInstances
        var busy: Set<String> = []
        for deployment in state.activeDeployments {
            busy.formUnion(deployment.oldInstances)
            busy.formUnion(deployment.newInstances)
        }
        let present = Set(snapshot.instances.map(\.id))
        for status in snapshot.instances where wanted[status.id] == nil && !busy.contains(status.id) {
            guard status.state != .stopping, jobsInFlight.insert("stop:\(status.id)").inserted else { continue }
            logger.warning("stopping \(status.id): no release wants it")
            jobSink.yield(.stopUnwanted(status.id))
        }
        for (id, release) in wanted where !present.contains(id) && !busy.contains(id) {
            guard jobsInFlight.insert("start:\(id)").inserted else { continue }
            logger.warning("starting \(id) again: it is wanted but not on the agent")
            try? record([.instanceObserved(.init(instanceID: id, change: .missing, message: "wanted but not running; starting it again"))])
            jobSink.yield(.startMissing(id, release: release))
        }
    }

    func jobFinished(_ key: String) { jobsInFlight.remove(key) }

    /// Exits in a row before a new instance counts as unable to start.
    static var failedStartsBeforeGivingUp: Int { 3 }
}
