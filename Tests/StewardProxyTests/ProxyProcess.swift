import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `steward proxy` process on a free admin port, with a state directory of its own.
final class ProxyProcess: @unchecked Sendable {
    let adminPort: Int
    let stateDirectory: String
    let logPath: String
    private var process: Process

    private init(adminPort: Int, stateDirectory: String, logPath: String, process: Process) {
        self.adminPort = adminPort
        self.stateDirectory = stateDirectory
        self.logPath = logPath
        self.process = process
    }

    /// Starts `steward proxy` and waits until its admin API answers.
    static func start(in directory: TemporaryDirectory, adminPort: Int? = nil) async throws -> ProxyProcess {
        let port = try adminPort ?? FreePort.next()
        let state = directory.path + "/proxy"
        let log = directory.path + "/proxy.log"
        let proxy = ProxyProcess(
            adminPort: port, stateDirectory: state, logPath: log, process: try launch(state: state, port: port, log: log))
        try await proxy.waitUntilListening()
        return proxy
    }

    private static func launch(state: String, port: Int, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.buildProductsDirectory() + "/steward")
        process.arguments = ["proxy", "--state-dir", state, "--admin-port", "\(port)"]
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        return process
    }

    private func waitUntilListening() async throws {
        try await eventually(timeout: .seconds(30), "steward proxy to serve its admin API on \(adminPort)") {
            guard process.isRunning else { throw ProxyExited(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "") }
            return FreePort.isListening(adminPort)
        }
    }

    /// The admin token the proxy wrote on first start.
    var token: String {
        get throws {
            try String(contentsOfFile: stateDirectory + "/proxy.token", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The proxy's resident memory in bytes, from /proc.
    func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// SIGKILL: no chance to clean up, as in a crash.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Starts the proxy again on the same state directory and admin port.
    func restart() async throws {
        kill()
        process = try Self.launch(state: stateDirectory, port: adminPort, log: logPath)
        try await waitUntilListening()
    }

    deinit { kill() }
}

struct ProxyExited: Error, CustomStringConvertible {
    var log: String
    var description: String { "steward proxy exited: \(log)" }
}

/// The admin API of a proxy, through a real HTTP client.
struct AdminClient {
    let port: Int
    let token: String?
    let client: HTTPClient

    struct Answer {
        var status: Int
        var body: String
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String = "application/json")
        async throws -> Answer
    {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Answer(status: Int(response.status.code), body: String(buffer: bytes))
    }

    /// Replaces the proxy's table; fails the test unless it is accepted.
    func put(_ table: RouteTable) async throws {
        let answer = try await send(.PUT, "/v1/routes", body: String(decoding: try JSONEncoder().encode(table), as: UTF8.self))
        guard answer.status == 200 else { throw TableRefused(answer: answer.body) }
    }

    struct TableRefused: Error {
        var answer: String
    }
}
