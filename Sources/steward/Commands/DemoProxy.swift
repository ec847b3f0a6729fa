import Foundation
import StewardRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The traffic proxy `steward demo` runs: `steward proxy` as a child process, and a client for it.
struct DemoProxy {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let process: Process
    let client: ProxyClient

    /// Starts `steward proxy` and waits (at most 20 s) until it wrote its token and answers.
    static func start(executable: String, stateDirectory: String, adminPort: Int, logPath: String) async throws -> DemoProxy {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["proxy", "--state-dir", stateDirectory, "--admin-port", "\(adminPort)"]
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "steward proxy exited with \(process.terminationStatus); see \(logPath)")
            }
            if let token = try? String(contentsOfFile: stateDirectory + "/proxy.token", encoding: .utf8), !token.isEmpty {
                let client = ProxyClient(
                    baseURL: "http://127.0.0.1:\(adminPort)", token: token.trimmingCharacters(in: .whitespacesAndNewlines))
                if (try? await client.routes()) != nil { return DemoProxy(process: process, client: client) }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        throw Failure(description: "steward proxy did not answer on port \(adminPort) within 20 s; see \(logPath)")
    }

    /// Stops the proxy (SIGTERM) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
