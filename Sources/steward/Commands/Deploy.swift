import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward deploy SERVICE --env ENV --version V`: a rolling deployment.
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy a version of a service to an environment (rolling).",
            discussion: """
                New instances start beside the old ones; once they pass readiness the old ones stop. \
                If the new ones never become ready the deployment is aborted and the old ones keep serving. \
                With --wait the command follows the deployment live and exits 0 when it succeeded, 1 when it failed.
                """
        )

        @Argument(help: "The service to deploy.")
        var service: String

        @Option(name: .customLong("env"), help: "The environment (development, staging, production…).")
        var environment: String

        @Option(help: "The version to deploy.")
        var version: String

        @Option(name: .customLong("set"), help: "Extra environment variable for this release, KEY=VALUE (repeatable).")
        var variables: [String] = []

        @Flag(help: "Follow the deployment until it finishes; exit non-zero when it fails.")
        var wait = false

        @Option(help: "With --wait, give up following after this many seconds (exit 1).")
        var timeout: Int = 600

        @OptionGroup var options: ClientOptions

        func validate() throws {
            for variable in variables where !variable.contains("=") || variable.hasPrefix("=") {
                throw ValidationError("--set expects KEY=VALUE, got '\(variable)'")
            }
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        }

        func run() async throws {
            try await reportingErrors {
                var overrides: [String: String] = [:]
                for variable in variables {
                    let parts = variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    overrides[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
                }
                let request = DeployRequest(service: service, environment: environment, version: version, set: overrides.isEmpty ? nil : overrides)
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
                the old instances are still running and take all the traffic back at once. Otherwise it deploys \
                the previous release (or --to RELEASE, as `steward releases` numbers them) again.
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
                try await DeploymentFollower(client: options.client(), output: options.output)
                    .report(deployment, initialData: data, wait: wait, timeout: timeout)
            }
        }
    }
}

/// Prints a deployment's progress as it happens and turns its outcome into an exit code.
struct DeploymentFollower {
    let client: APIClient
    let output: OutputFormat

    func report(_ deployment: Deployment, initialData: Data, wait: Bool, timeout: Int) async throws {
        guard wait else {
            if output == .json { return printJSON(initialData) }
            print("deployment \(deployment.id) started: \(deployment.target) → release r\(deployment.release) (follow with `steward status`)")
            return
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        var last = ""
        var current = deployment
        var data = initialData
        while true {
            let line = progressLine(current)
            if line != last, output == .text {
                printError(line)
                last = line
            }
            if current.isFinished || ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(200))
            data = try await client.send("GET", "/api/v1/deployments/\(current.id)")
            current = try JSONDecoder.steward.decode(Deployment.self, from: data)
        }
        if output == .json { printJSON(data) }
        switch current.phase {
        case .succeeded:
            if output == .text { print("deployment \(current.id) succeeded: \(current.target) runs release r\(current.release)") }
        case .failed:
            throw CLIError.failed("deployment \(current.id) failed: \(current.reason ?? "no reason recorded")")
        default:
            throw CLIError.failed("deployment \(current.id) still \(current.phase.rawValue) after \(timeout)s")
        }
    }

    private func progressLine(_ deployment: Deployment) -> String {
        let readyCount = deployment.ready.count
        let stoppedOld = deployment.oldInstances.filter(deployment.stopped.contains).count
        return "[\(deployment.id)] \(deployment.kind.rawValue) r\(deployment.release) \(deployment.phase.rawValue): "
            + "new ready \(readyCount)/\(deployment.newInstances.count), old stopped \(stoppedOld)/\(deployment.oldInstances.count)"
            + (deployment.reason.map { " — \($0)" } ?? "")
    }
}
