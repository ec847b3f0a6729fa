import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward deploy SERVICE VERSION --env ENV [--strategy S]`: rolling, blue/green or canary.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a version of a service to an environment (rolling, blue/green or canary).",
            discussion: """
                Rolling: new instances start beside the old ones; once they pass readiness the old ones stop. \
                Blue/green and canary: every new instance starts first, without traffic, then the rollout walks \
                its steps (smoke, weight N%, pause, analysis), checking its rollback rules on the new release's \
                traffic; the previous release stays warm after the switch, so `steward rollback` is a weight flip. \
                If the new instances never become ready, or a rule fails, the old release keeps (or takes back) \
                all the traffic.

                With --wait the command follows the deployment live: for a rollout, the step, the weights and \
                each release's requests, error rate, p95 and p99 over the last 10 seconds, with each rule's latest \
                verdict, on stderr (redrawn in place on a terminal, as lines otherwise). --output json prints the \
                final deployment on stdout.

                Exit codes with --wait: 0 the deployment succeeded; 4 a rule rolled it back (a rollback rule, or an \
                analysis step's); 1 it failed otherwise (not ready, smoke failed, aborted, or still running at \
                --timeout); 2 the server refused the request; 3 the server could not be reached; 64 usage.
                """
        )

        @Argument(help: "The service to deploy.")
        var service: String

        @Argument(help: ArgumentHelp("The version to deploy (or --version).", valueName: "version"))
        var positionalVersion: String?

        @Option(name: .customLong("env"), help: "The environment (development, staging, production…).")
        var environment: String

        @Option(help: "The version to deploy.")
        var version: String?

        @Option(help: "The strategy, instead of the service's deploy.strategy.")
        var strategy: DeployPolicy.Strategy?

        @Option(name: .customLong("set"), help: "Extra environment variable for this release, KEY=VALUE (repeatable).")
        var variables: [String] = []

        @Flag(help: "Follow the deployment until it finishes; exit 0 succeeded, 4 rolled back by a rule, 1 failed.")
        var wait = false

        @Option(help: "With --wait, give up following after this many seconds (exit 1).")
        var timeout: Int = 600

        @OptionGroup var window: WindowOverrideOptions
        @OptionGroup var options: ClientOptions

        func validate() throws {
            for variable in variables where !variable.contains("=") || variable.hasPrefix("=") {
                throw ValidationError("--set expects KEY=VALUE, got '\(variable)'")
            }
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            switch (positionalVersion, version) {
            case (nil, nil): throw ValidationError("Missing the version: give it after the service or as --version <version>")
            case (let first?, let second?) where first != second:
                throw ValidationError("Two versions: '\(first)' and --version '\(second)'; give one")
            default: break
            }
        }

        func run() async throws {
            try await reportingErrors {
                var overrides: [String: String] = [:]
                for variable in variables {
                    let parts = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    overrides[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
                }
                let request = DeployRequest(
                    service: service, environment: environment, version: positionalVersion ?? version ?? "",
                    set: overrides.isEmpty ? nil : overrides, strategy: strategy?.rawValue, overrideWindow: window.request)
                let data = try await options.client().send("POST", "/api/v1/deployments", body: try JSONEncoder.steward.encode(request))
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: data)
                try await DeploymentFollower(client: options.client(), output: options.output)
                    .report(deployment, initialData: data, wait: wait, timeout: timeout)
            }
        }
    }

    /// `steward rollback SERVICE --env ENV`: return to the previous release.
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Return a service in an environment to the release that served before the current one.",
            discussion: """
                While a blue/green or canary deployment keeps the previous release warm, this is one weight flip: \
                the old instances are still running and take all the traffic back at once, with no restart, and \
                the command says so (`instant rollback: …`; with --wait it exits 0 once the flip is done). \
                Otherwise it deploys the previous release (or --to RELEASE, as `steward releases` numbers them) again.
                """)

        @Argument(help: "The service to roll back.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment.")
        var environment: String

        @Option(name: .customLong("to"), help: "The release number to return to (default: the one before the current).")
        var release: Int?

        @Flag(help: "Follow the rollback until it finishes; exit non-zero when it fails.")
        var wait = false

        @Option(help: "With --wait, give up following after this many seconds (exit 1).")
        var timeout: Int = 600

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let request = RollbackRequest(service: service, environment: environment, to: release)
                let data = try await options.client().send("POST", "/api/v1/rollbacks", body: try JSONEncoder.steward.encode(request))
                let deployment = try JSONDecoder.steward.decode(Deployment.self, from: data)
                // The answer is the deployment that carries the rollback: a new one of kind rollback, or
                // the rollout that was still warm, aborted: then the traffic already flipped back.
                let instant = deployment.kind != .rollback
                if instant, options.output == .text {
                    print(
                        "instant rollback: deployment \(deployment.id) was in its warm period, so the traffic flipped back "
                            + "to release r\(deployment.previousRelease.map(String.init) ?? "?") at once (a weight change, no restart); "
                            + "release r\(deployment.release) stops (\(deployment.reason ?? "aborted"))")
                }
                try await DeploymentFollower(client: options.client(), output: options.output)
                    .report(deployment, initialData: data, wait: wait, timeout: timeout, expecting: instant ? .abort : .success)
            }
        }
    }
}
