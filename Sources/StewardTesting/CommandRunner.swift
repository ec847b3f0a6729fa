import Foundation

/// Runs helper commands (initdb, pg_ctl, useradd) for the test servers and reports failures with their output.
enum CommandRunner {
    /// The outcome of a finished command.
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `arguments` (the first is an absolute executable path) to completion without blocking a thread.
    ///
    /// Output goes to a temporary file rather than a pipe: a server the command leaves running
    /// (pg_ctl start) could otherwise hold the pipe open and make reading hang.
    static func run(_ arguments: [String], in directory: String? = nil) async throws -> Outcome {
        let (process, log) = try prepare(arguments, in: directory)
        defer { try? FileManager.default.removeItem(atPath: log) }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Outcome(status: process.terminationStatus, output: read(log))
    }

    /// Runs `arguments` to completion, blocking the calling thread (for `stop()`, called from `defer`).
    @discardableResult
    static func runBlocking(_ arguments: [String], in directory: String? = nil) -> Outcome {
        do {
            let (process, log) = try prepare(arguments, in: directory)
            defer { try? FileManager.default.removeItem(atPath: log) }
            try process.run()
            process.waitUntilExit()
            return Outcome(status: process.terminationStatus, output: read(log))
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

    private static func prepare(_ arguments: [String], in directory: String?) throws -> (Process, String) {
        let log = NSTemporaryDirectory() + "steward-testing-\(UUID().uuidString).log"
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw CommandFailed(command: arguments, status: -1, output: "cannot create \(log)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        return (process, log)
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
