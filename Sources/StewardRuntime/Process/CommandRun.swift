import CStewardSpawn
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One short-lived command run to its end or its deadline: exec probes and runbook command steps.
///
/// The command runs in its own process group with stdout and stderr going to one ``ExecOutput``
/// (a file, so a chatty command never blocks on a full pipe). Its exit is awaited, not polled.
/// At the deadline the group gets SIGTERM, then SIGKILL after the grace period; on cancellation
/// SIGKILL at once. Either way the process is reaped before ``run(_:environment:directory:timeout:grace:output:)``
/// returns, and whatever else is left in its group is killed when the leader exits.
enum CommandRun {
    /// How the run ended.
    enum Ending: Equatable {
        /// The command exited by itself: its exit code, 128 + signal when a signal ended it.
        case exited(Int)
        /// The deadline passed; the command was killed and reaped.
        case timedOut
        /// The calling task was cancelled; the command was killed and reaped.
        case cancelled
        /// The command could not be started, for this reason ("command not found: x").
        case notStarted(String)
        /// Its exit code could not be read (it was reaped elsewhere).
        case lost(pid: Int32)
    }

    /// Runs `argv` with exactly `environment` in `directory` (nil: this process's).
    ///
    /// `argv[0]` is looked up on the `PATH` of `environment`, or of this process when it has none.
    static func run(
        _ argv: [String], environment: [String: String], directory: String?, timeout: Duration, grace: Duration,
        output: ExecOutput
    ) async -> Ending {
        guard let name = argv.first, !name.isEmpty else { return .notStarted("no command given") }
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                return .notStarted("working directory \(directory) does not exist")
            }
        }
        guard let path = ProcessControl.resolveExecutable(name, directory: directory, searchPath: environment["PATH"]) else {
            return .notStarted("command not found: \(name)")
        }
        guard output.descriptor >= 0 else { return .notStarted("cannot create a file for the output of \(name)") }

        var pid: pid_t = 0
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawned = ExecOutput.withCStrings([path] + argv.dropFirst()) { argvPointer in
            ExecOutput.withCStrings(envp) { envpPointer in
                steward_spawn(path, argvPointer, envpPointer, directory, output.descriptor, output.descriptor, &pid)
            }
        }
        guard spawned == 0 else { return .notStarted("cannot run \(name): \(String(cString: strerror(spawned)))") }

        let process = ProcessHandle.watchChild(ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid) ?? 0))
        let finished = await withTaskCancellationHandler {
            await process.waitForExit(timeout: timeout)
        } onCancel: {
            process.signalGroup(SIGKILL)
        }
        if Task.isCancelled {
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))  // reaped before we answer
            return .cancelled
        }
        if !finished {
            if grace > .zero {
                process.signalGroup(SIGTERM)
                if await process.waitForExit(timeout: grace) { return .timedOut }
            }
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
            return .timedOut
        }
        guard let code = process.exitCode else { return .lost(pid: pid) }
        return .exited(code)
    }
}
