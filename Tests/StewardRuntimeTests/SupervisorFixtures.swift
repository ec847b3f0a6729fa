import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting

#if canImport(Glibc)
import Glibc
#endif

/// What the supervisor tests share: specs of shell instances, supervisors on temporary state, process checks.
enum SupervisorFixtures {
    static func spec(
        _ id: String, _ script: String, grace: TimeSpan = .seconds(2), restart: RestartPolicy = .init(),
        readiness: ProbeSpec? = nil, liveness: ProbeSpec? = nil, env: [String: String] = [:]
    ) -> InstanceSpec {
        InstanceSpec(
            id: id, service: "svc", environment: "test", release: 1, version: "1.0.0", command: "/bin/sh",
            args: ["-c", script], env: env, liveness: liveness, readiness: readiness, stopGracePeriod: grace,
            restart: restart)
    }

    static func makeSupervisor(_ directory: TemporaryDirectory) throws -> Supervisor {
        try Supervisor(stateDirectory: directory.path, prober: Prober())
    }

    /// True while `pid` exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let fields = ProcessIdentity.statFields(pid) else { return false }
        return fields.first != "Z" && fields.first != "X"
    }

    /// Children of this test process that are zombies (`<defunct>`): state Z, parent = us.
    static func zombieChildren() -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let fields = ProcessIdentity.statFields(pid), fields.count > 1 else { return false }
            return fields[0] == "Z" && Int32(fields[1]) == me
        }
    }

    /// Running processes carrying `entry` in their environment.
    static func pids(carrying entry: String) -> [Int32] {
        ProcessControl.processes(withEnvironmentEntry: entry).map(\.identity.pid).sorted()
    }
}
