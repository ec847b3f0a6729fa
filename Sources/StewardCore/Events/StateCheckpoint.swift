import Foundation

/// The folded state of the log up to one event: payload of `steward.checkpoint`, subject `checkpoint`.
///
/// Start-up reads the latest checkpoint and folds only the events after it, so it does not grow
/// with history. A checkpoint is derived data: folding from the start ignores it, and a reader that
/// cannot read one falls back to an earlier one (it is marked informational).
///
/// JSON (v1): `{"v":1, "informational":true, "covers":{"seq":N, "hash":H}, "state":{"stack":…?,
/// "releases":[…], "current":[…], "stopped":[…]?, "deployments":[…], "instances":[…], "dependencies":[…], "runbookRuns":[…]?, "schedules":[…]?}}`, every
/// list sorted by its key; see `docs/events.md`.
public struct StateCheckpoint: Sendable, Equatable {
    /// The sequence number of the last event folded into ``state``.
    public var seq: Int64
    /// That event's hash, so a checkpoint is tied to the chain it summarises.
    public var hash: String
    /// The fold of events 1 through ``seq``.
    public var state: StackState

    /// Creates a checkpoint.
    public init(seq: Int64, hash: String, state: StackState) {
        self.seq = seq
        self.hash = hash
        self.state = state
    }
}

extension StateCheckpoint: Codable {
    enum CodingKeys: String, CodingKey {
        case v, informational, covers, state
    }

    enum CoversKeys: String, CodingKey {
        case seq, hash
    }

    enum StateKeys: String, CodingKey {
        case stack, releases, current, stopped, deployments, instances, dependencies, runbookRuns, schedules
    }

    enum CurrentKeys: String, CodingKey {
        case service, environment, release
    }

    enum DeploymentKeys: String, CodingKey {
        case plan, progress, checklistItems
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let covers = try container.nestedContainer(keyedBy: CoversKeys.self, forKey: .covers)
        seq = try covers.decode(Int64.self, forKey: .seq)
        hash = try covers.decode(String.self, forKey: .hash)
        let body = try container.nestedContainer(keyedBy: StateKeys.self, forKey: .state)
        var state = StackState()
        if let applied = try body.decodeIfPresent(StackApplied.self, forKey: .stack) {
            state.stack = applied.spec
            state.stackDigest = applied.digest
        }
        for release in try body.decode([ReleasePayload].self, forKey: .releases) {
            state.releases[release.release.number] = release.release
        }
        var current = try body.nestedUnkeyedContainer(forKey: .current)
        while !current.isAtEnd {
            let entry = try current.nestedContainer(keyedBy: CurrentKeys.self)
            let target = ServiceEnvironment(
                service: try entry.decode(String.self, forKey: .service),
                environment: try entry.decode(String.self, forKey: .environment))
            state.current[target] = try entry.decode(Int.self, forKey: .release)
        }
        // Absent in checkpoints written before `steward start` existed: nothing was remembered then.
        if body.contains(.stopped) {
            var stopped = try body.nestedUnkeyedContainer(forKey: .stopped)
            while !stopped.isAtEnd {
                let entry = try stopped.nestedContainer(keyedBy: CurrentKeys.self)
                let target = ServiceEnvironment(
                    service: try entry.decode(String.self, forKey: .service),
                    environment: try entry.decode(String.self, forKey: .environment))
                state.stopped[target] = try entry.decode(Int.self, forKey: .release)
            }
        }
        var deployments = try body.nestedUnkeyedContainer(forKey: .deployments)
        while !deployments.isAtEnd {
            let entry = try deployments.nestedContainer(keyedBy: DeploymentKeys.self)
            var deployment = try entry.decode(DeploymentPlanPayload.self, forKey: .plan).deployment
            deployment.progress = try entry.decode(DeploymentProgressPayload.self, forKey: .progress).progress
            // Absent in checkpoints written before the checklist reported items, or when it reported none.
            deployment.checklistItems = try entry.decodeIfPresent([String].self, forKey: .checklistItems)
            state.deployments[deployment.id] = deployment
        }
        for entry in try body.decode([InstanceStatePayload].self, forKey: .instances) {
            state.instances[entry.observation.instanceID] = entry.observation
        }
        for entry in try body.decode([DependencyObservationPayload].self, forKey: .dependencies) {
            state.dependencies[entry.observation.name] = entry.observation
        }
        for run in try body.decodeIfPresent([RunbookRun].self, forKey: .runbookRuns) ?? [] {
            state.runbookRuns[run.id] = run
        }
        // Absent in checkpoints written before schedules existed, or when none is armed.
        for entry in try body.decodeIfPresent([ScheduleStatePayload].self, forKey: .schedules) ?? [] {
            state.schedules[entry.id] = entry.record
        }
        self.state = state
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // v2 once a deployment's plan needs v2 (a rollout or a checklist): older readers then skip it.
        // v3 once a plan has gates or a progress holds approvals or a pause; v4 once a plan has `unavailable`.
        let version = state.deployments.values.map {
            max(DeploymentPlanPayload.version(of: $0), DeploymentProgressPayload.needsV2($0.progress) ? 3 : 1)
        }.max() ?? EventFormat.written
        try container.encode(max(version, EventFormat.written), forKey: .v)
        try container.encode(true, forKey: .informational)
        var covers = container.nestedContainer(keyedBy: CoversKeys.self, forKey: .covers)
        try covers.encode(seq, forKey: .seq)
        try covers.encode(hash, forKey: .hash)
        var body = container.nestedContainer(keyedBy: StateKeys.self, forKey: .state)
        if let stack = state.stack {
            try body.encode(StackApplied(spec: stack, digest: state.stackDigest ?? "", file: ""), forKey: .stack)
        }
        try body.encode(
            state.releases.keys.sorted().compactMap { state.releases[$0] }.map { ReleasePayload($0, standalone: false) },
            forKey: .releases)
        var current = body.nestedUnkeyedContainer(forKey: .current)
        for (target, release) in state.current.sorted(by: { $0.key.description < $1.key.description }) {
            var entry = current.nestedContainer(keyedBy: CurrentKeys.self)
            try entry.encode(target.service, forKey: .service)
            try entry.encode(target.environment, forKey: .environment)
            try entry.encode(release, forKey: .release)
        }
        if !state.stopped.isEmpty {
            var stopped = body.nestedUnkeyedContainer(forKey: .stopped)
            for (target, release) in state.stopped.sorted(by: { $0.key.description < $1.key.description }) {
                var entry = stopped.nestedContainer(keyedBy: CurrentKeys.self)
                try entry.encode(target.service, forKey: .service)
                try entry.encode(target.environment, forKey: .environment)
                try entry.encode(release, forKey: .release)
            }
        }
        var deployments = body.nestedUnkeyedContainer(forKey: .deployments)
        for id in state.deployments.keys.sorted() {
            guard let deployment = state.deployments[id] else { continue }
            var entry = deployments.nestedContainer(keyedBy: DeploymentKeys.self)
            try entry.encode(DeploymentPlanPayload(deployment, standalone: false), forKey: .plan)
            try entry.encode(DeploymentProgressPayload(deployment.progress), forKey: .progress)
            try entry.encodeIfPresent(deployment.checklistItems, forKey: .checklistItems)
        }
        try body.encode(
            state.instances.keys.sorted().compactMap { state.instances[$0] }.map(InstanceStatePayload.init),
            forKey: .instances)
        try body.encode(
            state.dependencies.keys.sorted().compactMap { state.dependencies[$0] }.map {
                DependencyObservationPayload($0, standalone: false)
            }, forKey: .dependencies)
        if !state.runbookRuns.isEmpty {
            try body.encode(state.runbookRuns.keys.sorted().compactMap { state.runbookRuns[$0] }, forKey: .runbookRuns)
        }
        if !state.schedules.isEmpty {
            try body.encode(
                state.schedules.keys.sorted().compactMap { id in state.schedules[id].map { ScheduleStatePayload(id: id, record: $0) } },
                forKey: .schedules)
        }
    }
}
