import Foundation
import StewardCore
import StewardOps

/// Body of `POST /api/v1/runbooks/{name}/runs`.
struct RunbookRunRequest: Decodable, Sendable {
    var environment: String
    /// Start at this step (the earlier steps' results come from the previous run).
    var from: String?
    /// Show every step resolved (secrets masked) and run nothing.
    var dryRun: Bool?
}

/// Body of `POST /api/v1/runbook-runs/{id}/cancel`.
struct RunbookCancelRequest: Decodable, Sendable {
    var reason: String?
}

/// Answer to a dry run.
struct RunbookDryRunAnswer: Encodable, Sendable {
    var runbook: String
    var environment: String
    var dryRun = true
    var steps: [ControlPlane.RunbookStepPreview]
}

/// A runbook as the API lists it: what each step is, without running anything.
struct RunbookSummary: Encodable, Sendable {
    struct Step: Encodable, Sendable {
        var name: String
        var kind: String
        var confirm: Bool
        var when: String?
        var stopOnFailure: Bool
        var timeout: TimeSpan
    }

    var name: String
    var description: String?
    /// Where it may run; empty means every environment.
    var environments: [String]
    var steps: [Step]

    init(_ runbook: RunbookSpec) {
        name = runbook.name
        description = runbook.description
        environments = runbook.environments
        steps = runbook.steps.map {
            Step(
                name: $0.name, kind: $0.action.kind, confirm: $0.confirm, when: $0.condition?.text,
                stopOnFailure: $0.stopOnFailure, timeout: $0.timeout)
        }
    }
}
