import Foundation

/// The log shapes of ``RunbookEvent`` (v1), subject `runbook-run/ID`:
///
/// - `runbook.started`: `{"v":1, "run":RUN}`, RUN being the run's initial record: `id`,
///   `runbook` (the runbook as declared then), `environment`, `startedBy`, `startedAt`, `from`?,
///   `approvalsRequired`, `phase`, `steps` (`name`, `state`, `result`?, `note`?, `approvals`).
/// - `runbook.step.started`: `{"v":1, "run":ID, "step":INDEX, "display":TEXT, "at":T}`.
/// - `runbook.step.finished`: `{… "result":RESULT, "interrupted":BOOL, "at":T}`, RESULT being
///   `succeeded`, `exitCode`?, `status`?, `rows`?, `value`?, `output`, `error`? (secrets masked).
/// - `runbook.step.skipped`: `{… "reason":TEXT}`.
/// - `runbook.approval.requested`: `{… "needed":N}`; `runbook.step.approved`: `{… "by":USER, "at":T}`.
/// - `runbook.succeeded`, `runbook.failed`, `runbook.canceled`: `{"v":1, "run":ID, "reason":TEXT?, "at":T}`.
struct RunbookEventPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, run, step, display, result, interrupted, reason, needed, by, at
    }

    /// The event types, by the payload they carry.
    static let types = [
        "runbook.started", "runbook.step.started", "runbook.step.finished", "runbook.step.skipped",
        "runbook.approval.requested", "runbook.step.approved",
    ] + [RunbookRun.Phase.succeeded, .failed, .canceled].map { "runbook.\($0.rawValue)" }

    var event: RunbookEvent

    init(_ event: RunbookEvent) { self.event = event }

    /// The event type.
    var type: String {
        switch event {
        case .started: "runbook.started"
        case .stepStarted: "runbook.step.started"
        case .stepFinished: "runbook.step.finished"
        case .stepSkipped: "runbook.step.skipped"
        case .approvalRequested: "runbook.approval.requested"
        case .approved: "runbook.step.approved"
        case .finished(_, let phase, _, _): "runbook.\(phase.rawValue)"
        }
    }

    /// Reads a payload of `type`.
    static func decode(type: String, from data: Data) throws -> RunbookEvent {
        let decoder = JSONDecoder.steward
        decoder.userInfo[typeKey] = type
        return try decoder.decode(RunbookEventPayload.self, from: data).event
    }

    private static let typeKey = CodingUserInfoKey(rawValue: "steward.runbook.type")!

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = decoder.userInfo[Self.typeKey] as? String ?? ""
        if type == "runbook.started" {
            event = .started(try c.decode(RunbookRun.self, forKey: .run))
            return
        }
        let run = try c.decode(Int.self, forKey: .run)
        switch type {
        case "runbook.step.started":
            event = .stepStarted(
                run: run, step: try c.decode(Int.self, forKey: .step), display: try c.decode(String.self, forKey: .display),
                at: try c.decodeDate(forKey: .at))
        case "runbook.step.finished":
            event = .stepFinished(
                run: run, step: try c.decode(Int.self, forKey: .step),
                result: try c.decode(RunbookStepResult.self, forKey: .result),
                interrupted: try c.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false, at: try c.decodeDate(forKey: .at))
        case "runbook.step.skipped":
            event = .stepSkipped(
                run: run, step: try c.decode(Int.self, forKey: .step), reason: try c.decode(String.self, forKey: .reason))
        case "runbook.approval.requested":
            event = .approvalRequested(
                run: run, step: try c.decode(Int.self, forKey: .step), needed: try c.decode(Int.self, forKey: .needed))
        case "runbook.step.approved":
            event = .approved(
                run: run, step: try c.decode(Int.self, forKey: .step), by: try c.decode(String.self, forKey: .by),
                at: try c.decodeDate(forKey: .at))
        default:
            let phaseName = type.split(separator: ".").last.map(String.init) ?? ""
            guard let phase = RunbookRun.Phase(rawValue: phaseName), phase.isFinished else {
                throw DecodingError.dataCorruptedError(forKey: .run, in: c, debugDescription: "unknown runbook event '\(type)'")
            }
            event = .finished(
                run: run, phase: phase, reason: try c.decodeIfPresent(String.self, forKey: .reason),
                at: try c.decodeDate(forKey: .at))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        switch event {
        case .started(let run):
            try c.encode(run, forKey: .run)
        case .stepStarted(let run, let step, let display, let at):
            try c.encode(run, forKey: .run)
            try c.encode(step, forKey: .step)
            try c.encode(display, forKey: .display)
            try c.encodeDate(at, forKey: .at)
        case .stepFinished(let run, let step, let result, let interrupted, let at):
            try c.encode(run, forKey: .run)
            try c.encode(step, forKey: .step)
            try c.encode(result, forKey: .result)
            try c.encode(interrupted, forKey: .interrupted)
            try c.encodeDate(at, forKey: .at)
        case .stepSkipped(let run, let step, let reason):
            try c.encode(run, forKey: .run)
            try c.encode(step, forKey: .step)
            try c.encode(reason, forKey: .reason)
        case .approvalRequested(let run, let step, let needed):
            try c.encode(run, forKey: .run)
            try c.encode(step, forKey: .step)
            try c.encode(needed, forKey: .needed)
        case .approved(let run, let step, let user, let at):
            try c.encode(run, forKey: .run)
            try c.encode(step, forKey: .step)
            try c.encode(user, forKey: .by)
            try c.encodeDate(at, forKey: .at)
        case .finished(let run, _, let reason, let at):
            try c.encode(run, forKey: .run)
            try c.encodeIfPresent(reason, forKey: .reason)
            try c.encodeDate(at, forKey: .at)
        }
    }
}
