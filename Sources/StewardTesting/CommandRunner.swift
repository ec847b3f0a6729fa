import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs helper commands (initdb, pg_ctl, useradd) for the test servers and reports failures with their output.
enum CommandRunner {
    /// The outcome of a finished command.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `arguments` (the first is an absolute executable path) to completion without blocking a thread.
    ///
    /// With `directory`, the command runs there (through `/bin/sh`, after any user switch, so the
    /// unprivileged user changes into a directory it can read).
    static func run(_ arguments: [String], in directory: String? = nil) async throws -> Outcome {
        let output = try OutputFile()
        defer { output.close() }
        let child = try ChildProcess.spawn(inDirectory(arguments, directory), output: output.descriptor)
        let status = await child.wait()
        return Outcome(status: status, output: output.contents())
    }

    /// Runs `arguments` to completion, blocking the calling thread at most `timeout`
    /// (for `stop()`, which is called from `defer` and cannot await).
    @discardableResult
    static func runBlocking(_ arguments: [String], in directory: String? = nil, timeout: Duration = .seconds(60)) -> Outcome {
        do {
            let output = try OutputFile()
            defer { output.close() }
            let child = try ChildProcess.spawn(inDirectory(arguments, directory), output: output.descriptor)
            guard let status = child.waitBlocking(timeout: timeout) else {
                child.terminate(grace: .seconds(1))
                return Outcome(status: -1, output: "timed out after \(timeout)\n" + output.contents())
            }
            return Outcome(status: status, output: output.contents())
        } catch {
            return Outcome(status: -1, output: "\(error)")
        }
    }

    /// Runs a command and throws ``CommandFailed`` unless it exits 0.
    static func check(_ arguments: [String], in directory: String? = nil) async throws {
        let outcome = try await run(arguments, in: directory)
        guard outcome.status == 0 else {
            throw CommandFailed(command: arguments, status: outcome.status, output: outcome.output)
        }
    }

    /// `arguments` wrapped so that the command changes into `directory` first.
    ///
    /// A `runuser -u USER --` prefix stays in front, so the change happens as that user.
    private static func inDirectory(_ arguments: [String], _ directory: String?) -> [String] {
        guard let directory else { return arguments }
        let prefixLength = arguments.first == "/usr/sbin/runuser" ? (arguments.firstIndex(of: "--").map { $0 + 1 } ?? 0) : 0
        let prefix = Array(arguments[..<prefixLength])
        let command = Array(arguments[prefixLength...])
        return prefix + ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, directory] + command
    }
}
