import Foundation

/// The log shape of a planned ``Deployment``: payload of `deployment.created`, subject `deployment/ID`.
///
/// JSON (v1): `{"v":1, "deployment":ID, "kind":"deploy"|"rollback", "service":S, "environment":E,
/// "release":N, "previousRelease":N?, "oldInstances":[…], "newInstances":[…], "batchSize":N,
/// "readinessTimeoutMs":N, "requestedBy":WHO, "createdAt":DATE}`. Inside a checkpoint the same
/// object is written without `v`.
///
/// JSON (v2): v1 plus `"rollout":{…}` (see ``Rollout``) for a blue/green or canary deployment and
/// `"checklist":true` for one that runs the pre-deployment checklist. A deployment with neither is
/// still written as v1, so older readers refuse only the logs they would misread.
///
/// JSON (v3): v2 plus its gates, each only when set: `"approvals":N` (approvals needed),
/// `"window":"Sun 02:00-06:00 America/New_York"` (as written in the stack file),
/// `"windowOverride":{"by":WHO, "reason":TEXT}`, `"promotedFrom":{"environment":E, "release":N}`.
/// Written as v3 only when one of them is set.
///
/// JSON (v4): v3 plus `"unavailable":N`, the old instances each batch stops before its new ones
/// are ready (`maxUnavailable`). Written as v4 only when it is above 0.
struct DeploymentPlanPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, deployment, kind, service, environment, release, previousRelease, oldInstances, newInstances,
            batchSize, unavailable, readinessTimeoutMs, requestedBy, createdAt, rollout, checklist, approvals, window,
            windowOverride, promotedFrom
    }

    /// The version a deployment's plan is written in: 4 when it stops old instances early, 3 when
    /// it has gates, 2 when it has a rollout or a checklist, else 1.
    static func version(of deployment: Deployment) -> Int {
        if deployment.unavailable > 0 { return 4 }
        if deployment.gates != Deployment.Gates() { return 3 }
        return deployment.rollout == nil && !deployment.checklist ? 1 : 2
    }

    var deployment: Deployment
    var standalone: Bool

    init(_ deployment: Deployment, standalone: Bool = true) {
        self.deployment = deployment
        self.standalone = standalone
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        guard let knownKind = Deployment.Kind(rawValue: kind) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown deployment kind '\(kind)'")
        }
        deployment = Deployment(
            id: try container.decode(Int.self, forKey: .deployment), kind: knownKind,
            target: ServiceEnvironment(
                service: try container.decode(String.self, forKey: .service),
                environment: try container.decode(String.self, forKey: .environment)),
            release: try container.decode(Int.self, forKey: .release),
            previousRelease: try container.decodeIfPresent(Int.self, forKey: .previousRelease),
            oldInstances: try container.decode([String].self, forKey: .oldInstances),
            newInstances: try container.decode([String].self, forKey: .newInstances),
            batchSize: try container.decode(Int.self, forKey: .batchSize),
            readinessTimeout: .milliseconds(try container.decode(Int64.self, forKey: .readinessTimeoutMs)),
            unavailable: try container.decodeIfPresent(Int.self, forKey: .unavailable) ?? 0,
            rollout: try container.decodeIfPresent(Rollout.self, forKey: .rollout),
            checklist: try container.decodeIfPresent(Bool.self, forKey: .checklist) ?? false,
            requestedBy: try container.decode(String.self, forKey: .requestedBy),
            createdAt: try container.decodeDate(forKey: .createdAt),
            gates: try Self.gates(in: container))
        standalone = container.contains(.v)
    }

    private static func gates(in container: KeyedDecodingContainer<CodingKeys>) throws -> Deployment.Gates {
        var window: DeploymentWindow?
        if let text = try container.decodeIfPresent(String.self, forKey: .window) {
            do {
                window = try DeploymentWindow(parsing: text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .window, in: container, debugDescription: "\(error)")
            }
        }
        return Deployment.Gates(
            approvalsRequired: try container.decodeIfPresent(Int.self, forKey: .approvals) ?? 0, window: window,
            windowOverride: try container.decodeIfPresent(Deployment.WindowOverride.self, forKey: .windowOverride),
            promotedFrom: try container.decodeIfPresent(Deployment.PromotionSource.self, forKey: .promotedFrom))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if standalone { try container.encode(Self.version(of: deployment), forKey: .v) }
        try container.encode(deployment.id, forKey: .deployment)
        try container.encode(deployment.kind.rawValue, forKey: .kind)
        try container.encode(deployment.target.service, forKey: .service)
        try container.encode(deployment.target.environment, forKey: .environment)
        try container.encode(deployment.release, forKey: .release)
        try container.encodeIfPresent(deployment.previousRelease, forKey: .previousRelease)
        try container.encode(deployment.oldInstances, forKey: .oldInstances)
        try container.encode(deployment.newInstances, forKey: .newInstances)
        try container.encode(deployment.batchSize, forKey: .batchSize)
        if deployment.unavailable > 0 { try container.encode(deployment.unavailable, forKey: .unavailable) }
        try container.encode(deployment.readinessTimeout.milliseconds, forKey: .readinessTimeoutMs)
        try container.encode(deployment.requestedBy, forKey: .requestedBy)
        try container.encodeDate(deployment.createdAt, forKey: .createdAt)
        try container.encodeIfPresent(deployment.rollout, forKey: .rollout)
        if deployment.checklist { try container.encode(true, forKey: .checklist) }
        if deployment.approvalsRequired > 0 { try container.encode(deployment.approvalsRequired, forKey: .approvals) }
        try container.encodeIfPresent(deployment.window?.source, forKey: .window)
        try container.encodeIfPresent(deployment.windowOverride, forKey: .windowOverride)
        try container.encodeIfPresent(deployment.promotedFrom, forKey: .promotedFrom)
    }
}

/// The log shape of ``Deployment/Progress``: the `result` of every deployment step.
///
/// JSON: `{"phase":P, "batch":N, "ready":[…], "stopped":[…], "retired":[…], "deadline":DATE?,
/// "reason":TEXT?, "startedAt":DATE?, "finishedAt":DATE?}`; sets are written sorted. A rollout's
/// progress adds `"step":N, "weight":N, "wakeAt":DATE?` (left out while all three are unset).
/// A deployment waiting for its window has `wakeAt` (its opening). `"approvals":[WHO…]` once someone
/// approved it and `"pausedAt":DATE` while a person holds it paused (these, and the phases
/// `awaiting-approval` and `awaiting-window`, make the step v2).
struct DeploymentProgressPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case phase, batch, ready, stopped, retired, deadline, reason, startedAt, finishedAt, step, weight, wakeAt,
            approvals, pausedAt
    }

    /// Whether the progress holds something only v2 readers fold (approvals, a pause).
    static func needsV2(_ progress: Deployment.Progress) -> Bool {
        !progress.approvals.isEmpty || progress.pausedAt != nil || progress.phase == .awaitingApproval
            || progress.phase == .awaitingWindow
    }

    var progress: Deployment.Progress

    init(_ progress: Deployment.Progress) { self.progress = progress }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let phase = try container.decode(String.self, forKey: .phase)
        guard let knownPhase = Deployment.Phase(rawValue: phase) else {
            throw DecodingError.dataCorruptedError(
                forKey: .phase, in: container, debugDescription: "unknown deployment phase '\(phase)'")
        }
        progress = Deployment.Progress(
            phase: knownPhase, batch: try container.decode(Int.self, forKey: .batch),
            ready: Set(try container.decode([String].self, forKey: .ready)),
            stopped: Set(try container.decode([String].self, forKey: .stopped)),
            retired: try container.decode([String].self, forKey: .retired),
            deadline: try container.decodeDateIfPresent(forKey: .deadline),
            reason: try container.decodeIfPresent(String.self, forKey: .reason),
            startedAt: try container.decodeDateIfPresent(forKey: .startedAt),
            finishedAt: try container.decodeDateIfPresent(forKey: .finishedAt),
            step: try container.decodeIfPresent(Int.self, forKey: .step) ?? 0,
            weight: try container.decodeIfPresent(Int.self, forKey: .weight) ?? 0,
            wakeAt: try container.decodeDateIfPresent(forKey: .wakeAt),
            approvals: try container.decodeIfPresent([String].self, forKey: .approvals) ?? [],
            pausedAt: try container.decodeDateIfPresent(forKey: .pausedAt))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(progress.phase.rawValue, forKey: .phase)
        try container.encode(progress.batch, forKey: .batch)
        try container.encode(progress.ready.sorted(), forKey: .ready)
        try container.encode(progress.stopped.sorted(), forKey: .stopped)
        try container.encode(progress.retired, forKey: .retired)
        try container.encodeDateIfPresent(progress.deadline, forKey: .deadline)
        try container.encodeIfPresent(progress.reason, forKey: .reason)
        try container.encodeDateIfPresent(progress.startedAt, forKey: .startedAt)
        try container.encodeDateIfPresent(progress.finishedAt, forKey: .finishedAt)
        if progress.step != 0 || progress.weight != 0 || progress.wakeAt != nil {
            try container.encode(progress.step, forKey: .step)
            try container.encode(progress.weight, forKey: .weight)
            try container.encodeDateIfPresent(progress.wakeAt, forKey: .wakeAt)
        }
        if !progress.approvals.isEmpty { try container.encode(progress.approvals, forKey: .approvals) }
        try container.encodeDateIfPresent(progress.pausedAt, forKey: .pausedAt)
    }
}

/// The log shape of one deployment step: `deployment.started`, `.instance-ready`, `.instance-failed`,
/// `.instance-stopped`, `.deadline-passed`, `.aborted`, and for rollouts `.promoted`, `.woke`,
/// `.smoke-passed`, `.smoke-failed`, `.analysis-passed`, `.rule-failed`; subject `deployment/ID`.
///
/// JSON (v1): `{"v":1, "deployment":ID, "at":DATE, "instance":ID?, "reason":TEXT?, "by":WHO?, "result":{progress}}`.
/// `instance` is present for the instance steps, `reason` for `instance-failed`, `aborted`,
/// `smoke-failed` and `rule-failed`, `by` for `promoted`, `approved`, `paused` and `resumed`, `failures`
/// for `checked`, and `items` for a `checked` that reports something beside its failures (the
/// pending migrations; added without raising `v`: an older reader folds the same phase and only
/// does not show them). JSON (v2): the same, written when `result` holds approvals or a pause.
struct DeploymentStepPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, deployment, at, instance, reason, by, failures, items, result
    }

    var deployment: Int
    var at: Date
    var instance: String?
    var reason: String?
    var by: String?
    var failures: [String]?
    var items: [String]?
    var result: Deployment.Progress

    init(id: Int, input: Deployment.Input, result: Deployment.Progress) {
        deployment = id
        at = input.at
        self.result = result
        switch input {
        case .start, .deadlinePassed, .wake, .smokePassed, .analysisPassed: break
        case .instanceReady(let id, _), .instanceStopped(let id, _): instance = id
        case .instanceFailed(let id, let reason, _):
            instance = id
            self.reason = reason
        case .abort(let reason, _), .smokeFailed(let reason, _), .ruleFailed(let reason, _): self.reason = reason
        case .promote(let who, _), .approve(let who, _), .pause(let who, _), .resume(let who, _): by = who
        case .checked(let failed, let reported, _):
            failures = failed
            items = reported.isEmpty ? nil : reported
        }
    }

    /// The input named by an event type's second part, rebuilt from the payload's fields.
    func input(named name: String) throws -> Deployment.Input {
        func need(_ value: String?, _ field: String) throws -> String {
            guard let value else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [], debugDescription: "deployment.\(name) needs the field '\(field)'"))
            }
            return value
        }
        switch name {
        case "started": return .start(at: at)
        case "checked":
            guard let failures else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "deployment.checked needs the field 'failures'"))
            }
            return .checked(failures: failures, items: items ?? [], at: at)
        case "instance-ready": return .instanceReady(try need(instance, "instance"), at: at)
        case "instance-failed":
            return .instanceFailed(try need(instance, "instance"), reason: try need(reason, "reason"), at: at)
        case "instance-stopped": return .instanceStopped(try need(instance, "instance"), at: at)
        case "deadline-passed": return .deadlinePassed(at: at)
        case "aborted": return .abort(reason: try need(reason, "reason"), at: at)
        case "promoted": return .promote(by: try need(by, "by"), at: at)
        case "woke": return .wake(at: at)
        case "smoke-passed": return .smokePassed(at: at)
        case "smoke-failed": return .smokeFailed(reason: try need(reason, "reason"), at: at)
        case "analysis-passed": return .analysisPassed(at: at)
        case "rule-failed": return .ruleFailed(reason: try need(reason, "reason"), at: at)
        case "approved": return .approve(by: try need(by, "by"), at: at)
        case "paused": return .pause(by: try need(by, "by"), at: at)
        case "resumed": return .resume(by: try need(by, "by"), at: at)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown deployment step '\(name)'"))
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        deployment = try container.decode(Int.self, forKey: .deployment)
        at = try container.decodeDate(forKey: .at)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        by = try container.decodeIfPresent(String.self, forKey: .by)
        failures = try container.decodeIfPresent([String].self, forKey: .failures)
        items = try container.decodeIfPresent([String].self, forKey: .items)
        result = try container.decode(DeploymentProgressPayload.self, forKey: .result).progress
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(DeploymentProgressPayload.needsV2(result) ? 2 : EventFormat.written, forKey: .v)
        try container.encode(deployment, forKey: .deployment)
        try container.encodeDate(at, forKey: .at)
        try container.encodeIfPresent(instance, forKey: .instance)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(by, forKey: .by)
        try container.encodeIfPresent(failures, forKey: .failures)
        try container.encodeIfPresent(items, forKey: .items)
        try container.encode(DeploymentProgressPayload(result), forKey: .result)
    }
}

/// The log shape of ``DeploymentFinished``: `deployment.succeeded` or `deployment.failed`, subject
/// `deployment/ID`.
///
/// JSON (v1): `{"v":1, "deployment":ID, "service":S, "environment":E, "release":N, "at":DATE,
/// "reason":TEXT?}`. The phase is the event type's second part.
struct DeploymentFinishedPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, deployment, service, environment, release, at, reason
    }

    var id: Int
    var target: ServiceEnvironment
    var release: Int
    var at: Date
    var reason: String?

    init(_ finished: DeploymentFinished) {
        id = finished.id
        target = finished.target
        release = finished.release
        at = finished.at
        reason = finished.reason
    }

    func finished(_ phase: Deployment.Phase) -> DeploymentFinished {
        DeploymentFinished(id: id, target: target, release: release, phase: phase, reason: reason, at: at)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .deployment)
        target = ServiceEnvironment(
            service: try container.decode(String.self, forKey: .service),
            environment: try container.decode(String.self, forKey: .environment))
        release = try container.decode(Int.self, forKey: .release)
        at = try container.decodeDate(forKey: .at)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(id, forKey: .deployment)
        try container.encode(target.service, forKey: .service)
        try container.encode(target.environment, forKey: .environment)
        try container.encode(release, forKey: .release)
        try container.encodeDate(at, forKey: .at)
        try container.encodeIfPresent(reason, forKey: .reason)
    }
}
