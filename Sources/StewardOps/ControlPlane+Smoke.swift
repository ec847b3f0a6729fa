import Foundation
import Logging
import StewardCore
import StewardRuntime

extension ControlPlane {
    /// What a rollout's smoke commands need: the commands, the retries, their environment.
    struct SmokePlan: Sendable {
        var commands: [[String]]
        var attempts: Int
        var environment: [String: String]
    }

    /// Runs a rollout's smoke commands against its new release, then feeds the outcome.
    ///
    /// The new release has no traffic weight yet; the commands reach it through the proxy with
    /// the header `X-Steward-Release: $STEWARD_RELEASE` on `$STEWARD_URL`, or directly on
    /// `$STEWARD_INSTANCE_URLS`. Each command gets `deploy.healthCheckRetries` attempts a second
    /// apart (the guides' health-gated switch); the first one out of attempts fails the deployment.
    nonisolated func runSmoke(deployment id: Int) async {
        guard let plan = await smokePlan(id) else { return }
        for command in plan.commands {
            var last = RunbookStepResult.failure("not run")
            for attempt in 1...plan.attempts {
                guard !Task.isCancelled else { return }
                last = await runbookRunner.command(
                    command, environment: plan.environment, workingDirectory: baseDirectory, timeout: .seconds(60))
                if last.succeeded { break }
                if attempt < plan.attempts { try? await Task.sleep(for: .seconds(1)) }
            }
            guard last.succeeded else {
                let output = last.output.split(separator: "\n").suffix(3).joined(separator: " | ")
                let reason = "\(command.joined(separator: " ")): \(last.error ?? "failed") after \(plan.attempts) attempt(s)"
                    + (output.isEmpty ? "" : "; output: \(output)")
                await handle(id, .smokeFailed(reason: reason, at: Date()))
                return
            }
        }
        await handle(id, .smokePassed(at: Date()))
    }

    /// The smoke commands of a deployment that is at its smoke step, with their environment.
    func smokePlan(_ id: Int) -> SmokePlan? {
        guard let deployment = state.deployments[id], case .smoke? = deployment.currentStep,
            let rollout = deployment.rollout, let release = state.releases[deployment.release]
        else { return nil }
        let policy = release.spec.deploy
        var environment = [
            "STEWARD_SERVICE": release.service,
            "STEWARD_ENVIRONMENT": release.environment,
            "STEWARD_VERSION": release.version,
            "STEWARD_RELEASE": rollout.releaseName,
        ]
        if let port = release.spec.port, release.environment == (trafficEnvironment ?? state.stack?.environments.first?.name) {
            environment["STEWARD_URL"] = "http://\(TrafficPlan.upstreamHost):\(port)"
        }
        let ports = deployment.newInstances.compactMap { id in agentSnapshot?.instances.first { $0.id == id }?.port }
        environment["STEWARD_INSTANCE_URLS"] = ports.map { "http://\(TrafficPlan.upstreamHost):\($0)" }.joined(separator: " ")
        return SmokePlan(commands: policy.smoke, attempts: max(1, policy.healthCheckRetries), environment: environment)
    }
}
