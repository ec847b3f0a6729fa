import Logging
import Foundation
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// Takes in what an agent reports: records changes, feeds deployments, repairs drift.
    ///
    /// Readiness changes, restarts and exits become events only when they differ from the
    /// last recorded observation, so a restarted control plane does not repeat them. They are
    /// recorded in one append with the deployment steps they lead to (see `feedDeployments`).
    public func observe(_ snapshot: AgentSnapshot) {
        agentSnapshot = snapshot
        agentReachable = true
        var events: [StewardEvent] = []
        // Drill instances are the drill's business (its report), not the log's: no release has them.
        for status in snapshot.instances where !DrillID.isDrillInstance(status.id) {
            let last = state.instances[status.id]?.change
            let port = status.port
            if status.ready, last != .ready {
                events.append(.instanceObserved(.init(instanceID: status.id, change: .ready, message: "passed readiness", pid: status.pid, port: port)))
            } else if !status.ready, last == .ready, !status.awaitingFirstProbe {
                // (An adopted instance not probed yet has not become unready: its agent does not know yet.)
                events.append(.instanceObserved(.init(instanceID: status.id, change: .unready, message: status.message, pid: status.pid, port: port)))
            }
            if let known = lastRestarts[status.id], status.restarts > known {
                events.append(.instanceObserved(.init(instanceID: status.id, change: .restarted, message: status.message, pid: status.pid, port: port)))
            }
            lastRestarts[status.id] = status.restarts
        }
        if !resumed {
            // The first snapshot after a start: what the agent shows is recorded before the
            // start itself and before any deployment resumes.
            if !events.isEmpty {
                do { try record(events) } catch { logger.error("cannot record observations: \(error)") }
            }
            events = []
            resumeAfterStart(snapshot)
        }
        feedDeployments(snapshot, observations: events)
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

    /// Feeds what the snapshot shows to the deployments rolling out, and records `observations`
    /// together with the steps they lead to in one append, then carries out the steps' effects.
    ///
    /// Why one append: a deployment learns that an instance is ready one durable write (an
    /// fsync) sooner. Write-ahead still holds: every effect runs after the append that records
    /// its step, and the observation and the step are durable together or not at all (a failed
    /// append records and does nothing; the next snapshot brings the same facts again).
    private func feedDeployments(_ snapshot: AgentSnapshot, observations: [StewardEvent]) {
        let byID = Dictionary(snapshot.instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var events = observations
        var decided: [Int: Deployment] = [:]
        var steps: [(deployment: Int, effects: [Deployment.Effect])] = []
        for deployment in state.activeDeployments {
            let watched: [String]
            if deployment.phase == .rolling && deployment.batch < deployment.batchCount {
                watched = deployment.newBatch(deployment.batch)
            } else if deployment.rollout != nil && (deployment.phase == .rolling || deployment.phase == .warm) {
                // A rollout's new instances are watched until it ends: one crash-looping rolls it back.
                watched = deployment.newInstances
            } else {
                continue
            }
            for id in watched {
                guard let status = byID[id] else { continue }
                let input: Deployment.Input
                if status.ready && deployment.batch < deployment.batchCount {
                    input = .instanceReady(id, at: Date())
                } else if status.state == .exited || status.failedStarts >= Self.failedStartsBeforeGivingUp {
                    input = .instanceFailed(id, reason: status.message, at: Date())
                } else {
                    continue
                }
                // Each input meets the deployment as the inputs before it in this snapshot left it.
                var current = decided[deployment.id] ?? deployment
                guard let effects = current.handle(input) else { continue }
                events += Self.facts(of: input, leading: current, to: effects)
                decided[deployment.id] = current
                steps.append((deployment.id, effects))
            }
        }
        guard !events.isEmpty else { return }
        do {
            try record(events)
        } catch {
            logger.error("cannot record observations and deployment steps: \(error)")
            return
        }
        for step in steps { perform(step.effects, deployment: step.deployment) }
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
        for status in snapshot.instances
        where wanted[status.id] == nil && !busy.contains(status.id) && !drillInstances.contains(status.id) {
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
