import CStewardSpawn
import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Prober {
    /// Runs the command (in its own process group) with exactly `environment`, and passes on exit status 0.
    ///
    /// On timeout or cancellation the whole process group is killed and the process reaped before
    /// returning. Output goes to an unlinked temporary file, so a chatty command never blocks on a
    /// full pipe; its tail goes into failure messages. Its exit is awaited, not polled.
    func runExec(_ command: [String], environment: [String: String], timeout: TimeSpan) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { Double((clock.now - start) / .microseconds(1)) / 1000 }

        guard let name = command.first, !name.isEmpty else { return .failed("the exec check has no command") }
        guard let path = ExecutableLookup.resolve(name, searchPath: environment["PATH"]) else {
            return .failed("command not found: \(name)")
        }
        let output = ExecOutput()
        guard output.descriptor >= 0 else { return .failed("cannot create a file for the output of \(name)") }
        defer { output.closeFile() }

        var pid: pid_t = 0
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawned = ExecOutput.withCStrings([path] + command.dropFirst()) { argv in
            ExecOutput.withCStrings(envp) { envpPointer in
                steward_spawn(path, argv, envpPointer, nil, output.descriptor, output.descriptor, &pid)
            }
        }
        guard spawned == 0 else {
            return .failed("cannot run \(name): \(String(cString: strerror(spawned)))", latency: elapsed())
        }
        let process = ProcessHandle.watchChild(ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid) ?? 0))
        let finished = await withTaskCancellationHandler {
            await process.waitForExit(timeout: timeout.duration)
        } onCancel: {
            process.signalGroup(SIGKILL)
        }
        if !finished || Task.isCancelled {
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))  // reaped before we answer
            let reason = Task.isCancelled ? "cancelled" : "timed out after \(timeout)"
            return .failed("\(reason) running \(name); killed it\(output.tailForMessage())", latency: elapsed())
        }
        guard let code = process.exitCode else {
            return .failed("lost track of \(name) (pid \(pid))", latency: elapsed())
        }
        guard code == 0 else {
            let how = code > 128 ? "was killed by signal \(code - 128)" : "exited with status \(code)"
            return .failed("\(name) \(how)\(output.tailForMessage())", latency: elapsed())
        }
        return .passed("\(name) exited with status 0", latency: elapsed())
    }
}
