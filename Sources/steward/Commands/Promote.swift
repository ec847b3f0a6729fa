import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward promote SERVICE --from ENV --to ENV`, or `steward promote DEPLOYMENT`.
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Promote a release to another environment, or move a rollout past its pause, analysis or warm period.",
            usage: """
                steward promote <service> --from <env> --to <env> [--override-window --reason <text>] [--wait]
                steward promote <deployment-id> [--wait]
                """,
            discussion: """
                With --from and --to (a service's name): deploys to the target environment exactly the release \
                serving the service in the source (its version and its --set variables; the target's instance \
                counts and variables apply), once it has been healthy there (every instance ready) for the \
                source's `minimumHealthyTime`; otherwise refused with how long it has been healthy and what is \
                required. The source's `promotesTo` must name the target when it is set. The deployment waits \
                for the target's approvals and window like any other.

                With a deployment's id (a number, no --from/--to): at a pause or an analysis step the rollout goes \
                on to its next step at once (a promoted analysis step skips its gate; the rollback rules still \
                apply). In the warm period the previous release stops now. A paused rollout is resumed first \
                (`steward resume`).

                Needs the deployer role (in the target environment). With --wait, exit codes as for \
                `steward deploy --wait`: 0 succeeded, 4 rolled back by a rule, 1 failed; 2 refused (HTTP 409: \
                nothing to promote at this step, not healthy long enough…).
                """)

        @Argument(help: ArgumentHelp("A deployment's id, or with --from and --to a service's name.", valueName: "service-or-deployment"))
        var target: String

        @Option(help: "The environment whose serving release is promoted.")
        var from: String?

        @Option(help: "The environment to deploy it to.")
        var to: String?

        @OptionGroup var window: WindowOverrideOptions
        @OptionGroup var follow: FollowOptions
        @OptionGroup var options: ClientOptions

        func validate() throws {
            switch (from, to) {
            case (nil, nil):
                guard Int(target) != nil else {
                    throw ValidationError(
                        "'\(target)' is not a deployment id; to promote a service give --from <env> --to <env>")
                }
                if window.overrideWindow { throw ValidationError("--override-window goes with --from and --to") }
            case (nil, _?): throw ValidationError("--to needs --from <env>: the environment to promote from")
            case (_?, nil): throw ValidationError("--from needs --to <env>: the environment to promote to")
            case (_?, _?): break
            }
        }

        func run() async throws {
            try await reportingErrors {
                let client = options.client()
                let data: Data
                if let from, let to {
                    let request = PromotionRequest(service: target, from: from, environment: to, overrideWindow: window.request)
                    data = try await client.send("POST", "/api/v1/promotions", body: try JSONEncoder.steward.encode(request))
                } else {
                    data = try await client.send("POST", "/api/v1/deployments/\(target)/promote")
                }
                let promoted = try JSONDecoder.steward.decode(Deployment.self, from: data)
                if options.output == .text {
                    if let source = promoted.promotedFrom {
                        print(
                            "promoted \(promoted.target.service) r\(source.release) from \(source.environment) to "
                                + "\(promoted.target.environment) as deployment \(promoted.id) (release r\(promoted.release)): "
                                + DeploymentAction.summary(promoted))
                    } else {
                        print("deployment \(promoted.id) promoted: " + DeploymentAction.summary(promoted))
                    }
                }
                guard follow.wait else {
                    if options.output == .json { printJSON(data) }
                    return
                }
                try await DeploymentFollower(client: client, output: options.output)
                    .report(promoted, initialData: data, wait: true, timeout: follow.timeout)
            }
        }
    }
}
