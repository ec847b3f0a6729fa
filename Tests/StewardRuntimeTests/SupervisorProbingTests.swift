import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Probes as the supervisor runs them: liveness from the start, exec probes in the instance's environment.
@Suite(.serialized)
struct SupervisorProbingTests {
    typealias F = SupervisorFixtures

    /// An instance that never becomes ready and whose liveness probe fails is restarted.
    @Test func livenessCatchesAnInstanceThatHangsBeforeReady() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-liveness")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        // Never listens, so never ready; its liveness check fails outright.
        let readiness = ProbeSpec(check: .tcp(port: nil), interval: .milliseconds(200), timeout: .milliseconds(200))
        let liveness = ProbeSpec(
            check: .exec(command: ["false"]), interval: .milliseconds(100), timeout: .seconds(2), failureThreshold: 2)
        let first = try await supervisor.ensureRunning(
            F.spec(
                "l-0", "exec sleep 300", restart: .init(mode: .always, initialBackoff: .milliseconds(50)),
                readiness: readiness, liveness: liveness))
        try await eventually(timeout: .seconds(20), "the hung instance is restarted") {
            (await supervisor.status(of: "l-0")?.restarts ?? 0) >= 1
        }
        let status = try #require(await supervisor.status(of: "l-0"))
        #expect(!status.ready)
        #expect(status.lastExitCode == 128 + Int(SIGKILL), "\(status.message) \(status.state) \(String(describing: status.pid))")
        #expect(!F.isAlive(try #require(first.pid)))
        await supervisor.stopAll()
    }

    /// An exec probe runs with the instance's environment (its spec env and its port) and does not
    /// see the agent's own `STEWARD_SECRET_*` variables.
    @Test func execProbeGetsTheInstanceEnvironmentOnly() async throws {
        setenv("STEWARD_SECRET_PROBE_CANARY", "agent-only-value", 1)
        defer { unsetenv("STEWARD_SECRET_PROBE_CANARY") }
        let directory = try TemporaryDirectory(prefix: "supervisor-exec-env")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        let script = #"test "$GREETING" = hello && test -n "$PORT" && test -z "$STEWARD_SECRET_PROBE_CANARY""#
        let readiness = ProbeSpec(
            check: .exec(command: ["/bin/sh", "-c", script]), interval: .milliseconds(100), timeout: .seconds(2))
        try await supervisor.ensureRunning(F.spec("x-0", "exec sleep 300", readiness: readiness, env: ["GREETING": "hello"]))
        try await eventually(timeout: .seconds(20), "the exec probe passes in the instance's environment") {
            await supervisor.status(of: "x-0")?.ready == true
        }
        await supervisor.stopAll()
    }

    /// The prober on its own: an exec check's environment is exactly the target's.
    @Test func execProbeEnvironmentIsExactlyTheTargets() async throws {
        setenv("STEWARD_SECRET_PROBE_CANARY", "agent-only-value", 1)
        defer { unsetenv("STEWARD_SECRET_PROBE_CANARY") }
        let target = ProbeTarget(port: 1, environment: ["PATH": "/usr/bin:/bin", "ONLY_THIS": "yes"])
        let result = await Prober().run(.exec(command: ["/bin/sh", "-c", "env; exit 1"]), target: target, timeout: .seconds(5))
        #expect(result.message.contains("ONLY_THIS=yes"), "\(result.message)")
        #expect(!result.message.contains("agent-only-value"), "\(result.message)")
    }
}
