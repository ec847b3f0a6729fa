import Foundation
import StewardCore

extension Prober {
    /// Runs the command (in its own process group) with exactly `environment`, and passes on exit status 0.
    ///
    /// On timeout or cancellation the whole process group is killed at once and the process reaped
    /// before returning (``CommandRun``); the tail of its output goes into failure messages.
    func runExec(_ command: [String], environment: [String: String], timeout: TimeSpan) async -> ProbeResult {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { Double((clock.now - start) / .microseconds(1)) / 1000 }

        guard let name = command.first, !name.isEmpty else { return .failed("the exec check has no command") }
        let output = ExecOutput()
        defer { output.closeFile() }
        // A probe has no use for a graceful stop: SIGKILL at the deadline.
        let ending = await CommandRun.run(
            command, environment: environment, directory: nil, timeout: timeout.duration, grace: .zero, output: output)
        switch ending {
        case .notStarted(let reason):
            return .failed(reason, latency: elapsed())
        case .timedOut, .cancelled:
            let reason = ending == .cancelled ? "cancelled" : "timed out after \(timeout)"
            return .failed("\(reason) running \(name); killed it\(output.tailForMessage())", latency: elapsed())
        case .lost(let pid):
            return .failed("lost track of \(name) (pid \(pid))", latency: elapsed())
        case .exited(let code) where code != 0:
            let how = code > 128 ? "was killed by signal \(code - 128)" : "exited with status \(code)"
            return .failed("\(name) \(how)\(output.tailForMessage())", latency: elapsed())
        case .exited:
            return .passed("\(name) exited with status 0", latency: elapsed())
        }
    }
}
