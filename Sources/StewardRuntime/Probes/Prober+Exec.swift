import CStewardSpawn
import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Prober {
    /// Runs the command (in its own process group) and passes on exit status 0.
    ///
    /// On timeout or cancellation the whole process group is killed and the process reaped before
    /// returning. Output goes to an unlinked temporary file, so a chatty command never blocks on a
    /// full pipe; its tail goes into failure messages.
    func runExec(_ command: [String], timeout: TimeSpan) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { Double((clock.now - start) / .microseconds(1)) / 1000 }

        guard let name = command.first, !name.isEmpty else { return .failed("the exec check has no command") }
        guard let path = ExecutableLookup.resolve(name) else { return .failed("command not found: \(name)") }
        let output = ExecOutput()
        guard output.descriptor >= 0 else { return .failed("cannot create a file for the output of \(name)") }
        defer { output.closeFile() }

        var pid: pid_t = 0
        let spawned = ExecOutput.withCStrings([path] + command.dropFirst()) { argv in
            steward_spawn(path, argv, environ, nil, output.descriptor, output.descriptor, &pid)
        }
        guard spawned == 0 else {
            return .failed("cannot run \(name): \(String(cString: strerror(spawned)))", latency: elapsed())
        }

        let deadline = start.advanced(by: timeout.duration)
        var status: Int32 = 0
        var pause = Duration.milliseconds(2)
        while true {
            let waited = steward_try_wait(pid, &status)
            if waited == 1 { break }
            if waited == -1 { return .failed("lost track of \(name) (pid \(pid))", latency: elapsed()) }
            if clock.now >= deadline || Task.isCancelled {
                Self.killAndReap(pid)
                let reason = Task.isCancelled ? "cancelled" : "timed out after \(timeout)"
                return .failed("\(reason) running \(name); killed it\(output.tailForMessage())", latency: elapsed())
            }
            try? await Task.sleep(for: min(pause, deadline - clock.now))
            pause = min(pause * 2, .milliseconds(25))
        }
        let code = steward_exit_code(status)
        guard code == 0 else {
            let how = code > 128 ? "was killed by signal \(code - 128)" : "exited with status \(code)"
            return .failed("\(name) \(how)\(output.tailForMessage())", latency: elapsed())
        }
        return .passed("\(name) exited with status 0", latency: elapsed())
    }

    /// Kills the process group led by `pid` and waits for `pid`, so no zombie is left.
    static func killAndReap(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
