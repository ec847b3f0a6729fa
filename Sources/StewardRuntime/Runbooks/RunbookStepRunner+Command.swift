import Foundation
import StewardCore

extension RunbookStepRunner {
    /// How long a command has to exit after SIGTERM at its timeout before it gets SIGKILL.
    static let commandGracePeriod: Duration = .seconds(2)

    /// Runs `argv` and reports its exit code and output; it succeeded when it exited with status 0.
    ///
    /// `argv[0]` is looked up on the `PATH` of `environment` (this process's when it has none).
    /// Stdout and stderr are captured together, in the order written. At the timeout its process
    /// group gets SIGTERM, then SIGKILL 2 s later, and the result is a failure "timed out after …".
    /// The process is reaped before this returns; what it left running in its group is killed.
    ///
    /// - Parameters:
    ///   - argv: the program and its arguments; no shell is involved.
    ///   - environment: the command's complete environment: nothing of this process is inherited,
    ///     except `PATH` when `environment` has none (so that what the command starts is found as it was).
    ///   - workingDirectory: where it runs; nil for this process's working directory.
    ///   - timeout: how long it may run; it is then stopped (answering up to 2 s later).
    /// - Returns: `exitCode` (nil when it was killed at the timeout or never started), the end of
    ///   its output, and for a failure an error naming argv[0] and the exit status or signal.
    public func command(
        _ argv: [String], environment: [String: String], workingDirectory: String?, timeout: Duration
    ) async -> RunbookStepResult {
        let timeout = Self.limited(timeout)
        var environment = environment
        if environment["PATH"] == nil {
            environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        }
        let output = ExecOutput()
        defer { output.closeFile() }
        let ending = await CommandRun.run(
            argv, environment: environment, directory: workingDirectory, timeout: timeout, grace: Self.commandGracePeriod,
            output: output)
        let (tail, total) = output.lastBytes(RunbookStepResult.outputLimit)
        let text = OutputTail(tail: tail, total: total).text
        let name = argv.first ?? ""
        switch ending {
        case .notStarted(let reason):
            return .failure(reason)
        case .timedOut:
            return .failure("timed out after \(Self.span(timeout)) running \(name); stopped it", output: text)
        case .cancelled:
            return .failure("cancelled while running \(name); killed it", output: text)
        case .lost(let pid):
            return .failure("lost track of \(name) (pid \(pid))", output: text)
        case .exited(0):
            return RunbookStepResult(succeeded: true, exitCode: 0, output: text)
        case .exited(let code):
            let how = code > 128 ? "was killed by signal \(code - 128)" : "exited with status \(code)"
            return RunbookStepResult(succeeded: false, exitCode: code, output: text, error: "\(name) \(how)")
        }
    }
}
