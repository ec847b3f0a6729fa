import ArgumentParser
import Foundation
import StewardCore
import StewardServer

/// `steward approve | pause | resume | abort DEPLOYMENT`: act on one deployment by its id.
extension Steward {
    /// `steward approve DEPLOYMENT`: one approval of a deployment that waits for approvals.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a deployment that waits for its environment's approvals.",
            discussion: """
                An environment with `approvals: N` holds each deployment (phase awaiting-approval, nothing \
                started) until N distinct users other than the one who requested it approve it. The last \
                approval starts it, or makes it wait for the environment's window. Needs the approver role in \
                the deployment's environment. The requester's own approval, and a second one by the same user, \
                are refused (HTTP 409, exit 2).
                """)

        @Argument(help: "The deployment's id (see `steward status`).")
        var deployment: Int

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await DeploymentAction.send(deployment, action: "approve", verb: "approved", options: options)
        }
    }

    /// `steward pause DEPLOYMENT`: hold a running rollout at its current step.
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold a running blue/green or canary rollout at its current step.",
            discussion: """
                The weights stay as they are and the step's timers stop counting (a timed pause, an analysis \
                deadline); a passing analysis or smoke run does not move it on. Failing rules, smoke commands \
                and instances still roll it back, and `steward abort` still works. `steward resume` lets it go \
                on. Needs the deployer role. Refused (HTTP 409, exit 2) for a rolling deployment, one not yet \
                walking its steps, or one already paused.
                """)

        @Argument(help: "The deployment's id (see `steward status`).")
        var deployment: Int

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await DeploymentAction.send(deployment, action: "pause", verb: "paused", options: options)
        }
    }

    /// `steward resume DEPLOYMENT`: let a paused rollout go on.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a paused rollout go on from the step it was held at.",
            discussion: """
                Its timers move by the time it was paused: a 5-minute pause paused after 1 minute has 4 minutes \
                left when it resumes. Needs the deployer role; refused (HTTP 409, exit 2) when it is not paused.
                """)

        @Argument(help: "The deployment's id (see `steward status`).")
        var deployment: Int

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await DeploymentAction.send(deployment, action: "resume", verb: "resumed", options: options)
        }
    }

    /// `steward abort DEPLOYMENT [--reason TEXT]`: stop a deployment in progress.
    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Abort a deployment in progress (also one waiting for approvals or its window).",
            discussion: """
                A deployment that waits (for approvals, its window) fails at once with nothing to undo. A running \
                one stops its new instances while the old release keeps, or takes back, all the traffic. Needs \
                the deployer role; refused (HTTP 409, exit 2) when it already finished.
                """)

        @Argument(help: "The deployment's id (see `steward status`).")
        var deployment: Int

        @Option(help: "Why; recorded in the event with your name.")
        var reason: String?

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let body = try JSONEncoder.steward.encode(AbortRequest(reason: reason))
            try await DeploymentAction.send(deployment, action: "abort", verb: "aborted", body: body, options: options)
        }
    }
}

/// The shared request and answer of the commands that act on one deployment.
enum DeploymentAction {
    /// `POST /api/v1/deployments/ID/ACTION`; prints the deployment (JSON) or one line saying where it is now.
    static func send(_ id: Int, action: String, verb: String, body: Data? = nil, options: ClientOptions) async throws {
        try await reportingErrors {
            let data = try await options.client().send("POST", "/api/v1/deployments/\(id)/\(action)", body: body)
            if options.output == .json { return printJSON(data) }
            let deployment = try JSONDecoder.steward.decode(Deployment.self, from: data)
            print("deployment \(deployment.id) \(verb): " + summary(deployment))
        }
    }

    /// Where a deployment is, in a few words: `awaiting-approval (1 of 2 approvals)`, `rolling at step 2/4 (canary 10%)`.
    static func summary(_ deployment: Deployment) -> String {
        if let held = DeploymentFollower.heldLine(deployment) { return held }
        var text = deployment.phase.rawValue
        if let steps = deployment.rollout?.steps, deployment.phase == .rolling, deployment.step < steps.count {
            text += " at step \(deployment.step + 1)/\(steps.count) (\(steps[deployment.step]))"
        }
        if let rollout = deployment.rollout { text += ", \(rollout.releaseName) r\(deployment.release) at \(deployment.weight)%" }
        if deployment.pausedAt != nil { text += ", paused (`steward resume \(deployment.id)` goes on)" }
        if let reason = deployment.reason, deployment.isFinished || deployment.phase == .aborting { text += " — \(reason)" }
        return text
    }
}
