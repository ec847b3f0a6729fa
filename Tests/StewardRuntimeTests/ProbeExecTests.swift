import Foundation
#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Exec probes running real commands.
@Suite struct ProbeExecTests {
    let prober = Prober()

    /// `true` (found through PATH) passes.
    @Test func exitZeroPasses() async {
        let result = await prober.run(.exec(command: ["true"]), target: ProbeTarget(), timeout: .seconds(5))
        #expect(result.ok, "\(result.message)")
    }

    /// `false` fails with its exit status.
    @Test func nonZeroExitFails() async {
        let result = await prober.run(.exec(command: ["false"]), target: ProbeTarget(), timeout: .seconds(5))
        #expect(!result.ok)
        #expect(result.message.contains("exited with status 1"), "\(result.message)")
    }

    /// A failure message carries the tail of the command's output.
    @Test func failureIncludesOutput() async {
        let command = ["/bin/sh", "-c", "echo checking; echo 'database is down' >&2; exit 3"]
        let result = await prober.run(.exec(command: command), target: ProbeTarget(), timeout: .seconds(5))
        #expect(!result.ok)
        #expect(result.message.contains("status 3"), "\(result.message)")
        #expect(result.message.contains("database is down"), "\(result.message)")
    }

    /// An unknown command fails with "command not found".
    @Test func unknownCommandFails() async {
        let result = await prober.run(.exec(command: ["steward-no-such-command"]), target: ProbeTarget(), timeout: .seconds(5))
        #expect(!result.ok)
        #expect(result.message.contains("command not found: steward-no-such-command"))
    }

    /// `sleep 10` with a 300ms timeout fails in time, and the process (and what it started) is gone.
    @Test func slowCommandIsKilledAndReaped() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-exec-probe")
        defer { directory.remove() }
        let pidFile = directory.path + "/pid"
        let childFile = directory.path + "/child"
        // The shell starts a background sleep (a grandchild) and then becomes a sleep itself.
        let script = "sleep 10 & echo $! > \(childFile); echo $$ > \(pidFile); exec sleep 10"
        let started = ContinuousClock.now
        let result = await prober.run(.exec(command: ["/bin/sh", "-c", script]), target: ProbeTarget(), timeout: .milliseconds(300))
        #expect(!result.ok)
        #expect(result.message.contains("timed out after 300ms"), "\(result.message)")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")

        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Reaped: not even a zombie is left of the direct child.
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        let child = try #require(Int32(String(contentsOfFile: childFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The grandchild got the same SIGKILL; someone else reaps it, so a zombie counts as gone.
        try await eventually(timeout: .seconds(5), "the background sleep \(child) is dead") {
            ProbeExecTests.isDeadOrZombie(child)
        }
    }

    /// Whether `pid` no longer runs (gone, or a zombie waiting for its parent).
    static func isDeadOrZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the parenthesised command name.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
