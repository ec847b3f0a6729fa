import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StewardTesting
import Testing

// Shared machinery of the end-to-end tests: the real `steward agent` and `steward serve`
// processes on free ports in a temporary directory, a small HTTP client, and /proc scans
// that tell which instance processes really exist.

// MARK: - Processes

/// `kill(2)` under a name that the wrappers' own `kill()` methods do not shadow.
func signalProcess(_ signal: Int32, to pid: Int32) {
    _ = kill(pid, signal)
}

/// A process launched by a test, its stdout and stderr appended to one log file.
final class LaunchedProcess: @unchecked Sendable {
    let name: String
    let logPath: String
    private let process: Process

    private init(name: String, logPath: String, process: Process) {
        self.name = name
        self.logPath = logPath
        self.process = process
    }

    /// Starts `executable` with `arguments` and exactly `environment` (plus PATH and HOME).
    static func launch(
        name: String, executable: String, arguments: [String], environment: [String: String] = [:],
        logPath: String, directory: String? = nil
    ) throws -> LaunchedProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var variables: [String: String] = [:]
        for key in ["PATH", "HOME", "TMPDIR", "LANG"] {
            if let value = ProcessInfo.processInfo.environment[key] { variables[key] = value }
        }
        variables.merge(environment) { _, given in given }
        process.environment = variables
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        return LaunchedProcess(name: name, logPath: logPath, process: process)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var terminationStatus: Int32 { process.terminationStatus }

    /// Sends `signal` while the process runs.
    func signal(_ signal: Int32) {
        if process.isRunning { signalProcess(signal, to: process.processIdentifier) }
    }

    /// SIGKILL, then waits until it is reaped. Safe to call twice.
    func kill() {
        guard process.isRunning else { return }
        signalProcess(SIGKILL, to: process.processIdentifier)
        process.waitUntilExit()
    }

    /// Waits (with a deadline) for the process to end by itself and returns its status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        try await eventually(timeout: timeout, "\(name) to exit") { !process.isRunning }
        return process.terminationStatus
    }

    /// Everything it wrote so far.
    func output() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }
}

/// The outcome of a command run to completion.
struct CommandResult: Sendable {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `executable` to completion (with a deadline) and collects its status, stdout and stderr.
///
/// Output goes to files rather than pipes, so a large output can never block the child.
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60))
    async throws -> CommandResult
{
    let directory = try TemporaryDirectory(prefix: "steward-cli")
    defer { directory.remove() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var variables: [String: String] = [:]
    for key in ["PATH", "HOME", "TMPDIR", "LANG"] {
        if let value = ProcessInfo.processInfo.environment[key] { variables[key] = value }
    }
    variables.merge(environment) { _, given in given }
    process.environment = variables
    process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
    let outPath = directory.path + "/stdout", errPath = directory.path + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? out.close()
    try? err.close()
    defer {
        if process.isRunning {
            signalProcess(SIGKILL, to: process.processIdentifier)
            process.waitUntilExit()
        }
    }
    try await eventually(timeout: timeout, "\(arguments.prefix(3).joined(separator: " ")) to finish") { !process.isRunning }
    return CommandResult(
        status: process.terminationStatus,
        standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
        standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

// MARK: - /proc

/// What /proc says about processes, independently of what Steward reports.
enum ProcTable {
    /// A process found by its environment.
    struct Entry: Sendable, Equatable {
        var pid: Int32
        var group: Int32
        /// Its `STEWARD_INSTANCE_ID`, when it has one.
        var instanceID: String?
    }

    /// Live (non-zombie) processes whose environment holds the entry `marker` (`KEY=VALUE`).
    static func processes(withEnvironmentEntry marker: String) -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let needle = Array(marker.utf8)
        let instancePrefix = Array("STEWARD_INSTANCE_ID=".utf8)
        var found: [Entry] = []
        for name in names {
            guard let pid = Int32(name), isAlive(pid),
                let data = FileManager.default.contents(atPath: "/proc/\(name)/environ")
            else { continue }
            let entries = data.split(separator: 0).map(Array.init)
            guard entries.contains(needle) else { continue }
            let instance = entries.first { $0.starts(with: instancePrefix) }
                .map { String(decoding: $0.dropFirst(instancePrefix.count), as: UTF8.self) }
            found.append(Entry(pid: pid, group: getpgid(pid), instanceID: instance))
        }
        return found.sorted { $0.pid < $1.pid }
    }

    /// True while `pid` exists and is not a zombie (an exited process nobody reaped yet is gone for our purposes).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// SIGKILLs `entries`, each process and, when it leads its own group, that group.
    static func killAll(_ entries: [Entry]) {
        for entry in entries {
            if entry.group == entry.pid { signalProcess(SIGKILL, to: -entry.pid) }
            signalProcess(SIGKILL, to: entry.pid)
        }
    }
}

// MARK: - HTTP

/// One HTTP answer: status code and body bytes.
struct APIAnswer: Sendable {
    var status: Int
    var data: Data

    var text: String { String(decoding: data, as: UTF8.self) }

    /// The body decoded as `type` (Steward's dates are ISO-8601 text; none are decoded here).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw UnexpectedAnswer(description: "cannot decode \(T.self) from HTTP \(status): \(text) (\(error))")
        }
    }
}

/// An answer that was not what the test expected.
struct UnexpectedAnswer: Error, CustomStringConvertible {
    var description: String
}

/// A small URLSession-based HTTP client (no connection reuse surprises: each test makes its own).
final class HTTPTestClient: @unchecked Sendable {
    private let session: URLSession

    init(timeout: TimeInterval = 10) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    func invalidate() { session.invalidateAndCancel() }

    /// `method url` with an optional bearer token and JSON body.
    func send(_ method: String, _ url: String, token: String? = nil, json: Data? = nil) async throws -> APIAnswer {
        try await send(method, url, token: token, body: json, contentType: "application/json")
    }

    /// A request with a body of any type.
    func send(_ method: String, _ url: String, token: String? = nil, body: Data?, contentType: String) async throws -> APIAnswer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let session = self.session
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: APIAnswer(status: response.statusCode, data: data ?? Data()))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }.resume()
        }
    }

    func get(_ url: String, token: String? = nil) async throws -> APIAnswer {
        try await send("GET", url, token: token)
    }
}

// MARK: - API shapes (only the fields the tests read)

/// A deployment as `/api/v1/deployments` answers it.
struct DeploymentView: Decodable, Sendable {
    var id: Int
    var kind: String
    var phase: String
    var reason: String?
    var release: Int
    var newInstances: [String]
    var oldInstances: [String]
    /// A rollout's step index and the new release's traffic share (0 for rolling deployments).
    var step: Int?
    var weight: Int?

    var isFinished: Bool { phase == "succeeded" || phase == "failed" }
}

/// An instance as `/api/v1/instances` (the control plane) and `/v1/instances` (the agent) answer it.
struct InstanceView: Decodable, Sendable {
    struct Spec: Decodable, Sendable {
        var id: String
        var release: Int
        var version: String
    }

    var spec: Spec
    var state: String
    var pid: Int32?
    var port: Int
    var ready: Bool
    var adopted: Bool

    var id: String { spec.id }
}

/// The agent's snapshot.
struct AgentSnapshotView: Decodable, Sendable {
    var agentID: String
    var instances: [InstanceView]
}

/// `/api/v1/status`, reduced to services and their instances.
struct StatusResponse: Decodable, Sendable {
    struct Service: Decodable, Sendable {
        struct Instance: Decodable, Sendable {
            var id: String
            var release: Int
            var version: String
            var ready: Bool
            var port: Int
            var pid: Int32?
        }

        var service: String
        var environment: String
        var release: Int?
        var version: String?
        var desired: Int
        var ready: Int
        var instances: [Instance]
    }

    struct Agent: Decodable, Sendable {
        var reachable: Bool
        var agentID: String?
    }

    var agent: Agent
    var services: [Service]
}

/// An event of `/api/v1/events`, with the payload fields the tests read.
struct EventView: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        var adoptedInstances: Int?
        var resumedDeployments: [Int]?
    }

    var seq: Int
    var type: String
    var subject: String
    var payload: Payload?
}

/// `{"version": …}` of demo-app's `/api/version`.
struct VersionAnswer: Decodable, Sendable {
    var version: String
}

// MARK: - The system under test

/// A real Steward installation: `steward agent` and `steward serve` as separate processes on
/// free loopback ports, with their state in one temporary directory, deploying `demo-app`.
///
/// Create it with ``start(readinessTimeout:)`` and call ``shutdown()`` in a `defer`: it kills
/// the control plane, the agent and every process carrying this agent's marker, then removes
/// the directory.
final class StewardCluster: @unchecked Sendable {
    let directory: TemporaryDirectory
    let agentStateDirectory: String
    let dataDirectory: String
    let stackPath: String
    let agentPort: Int
    let serverPort: Int
    /// The web service's `port:`, the stable port: 8080, or a free port when the cluster has a proxy.
    let stablePort: Int
    /// The admin port of the cluster's `steward proxy`, when it has one (``start(readinessTimeout:webEnvironment:processEnvironment:withProxy:)``).
    let proxyAdminPort: Int?
    let http = HTTPTestClient()
    private let lock = NSLock()
    private var agentProcess: LaunchedProcess?
    private var serverProcess: LaunchedProcess?
    private var proxyProcess: LaunchedProcess?
    private var extraProcesses: [LaunchedProcess] = []
    /// Extra environment of `steward agent` and `steward serve` (e.g. `STEWARD_SECRET_…`).
    let processEnvironment: [String: String]

    static var stewardBinary: String { TestEnvironment.buildProductsDirectory() + "/steward" }
    static var demoAppBinary: String { TestEnvironment.buildProductsDirectory() + "/demo-app" }

    /// The test stack: `web` (demo-app) with 2 instances in development, rolling one at a time.
    /// - Parameter deploy: the `deploy:` keys of `web` in place of rolling, one at a time (indented by 6 spaces).
    /// - Parameter environments: the `environments:` entries in place of `development` with 2 instances
    ///   (indented by 2 spaces).
    static func stackYAML(
        readinessTimeout: String, webEnvironment: [String: String] = [:], stablePort: Int = 8080, deploy: String? = nil,
        environments: String? = nil
    ) -> String {
        let deployKeys = deploy ?? """
                  strategy: rolling
                  maxSurge: 1
                  readinessTimeout: \(readinessTimeout)
            """
        let env = webEnvironment.isEmpty
            ? "" : "\n    env:\n" + webEnvironment.sorted { $0.key < $1.key }.map { "      \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
        version: 1
        stack: itest
        services:
          web:
            command: \(demoAppBinary)
            port: \(stablePort)
            instances: 1
            readiness:
              http:
                path: /api/health/readyz
                expectJSON:
                  status: Ready
              interval: 1s
              timeout: 1s
            stopGracePeriod: 2s\(env)
            deploy:
        \(deployKeys)
        environments:
        \(environments ?? "  development:\n    instances:\n      web: 2")
        """
    }

    private init(
        readinessTimeout: String, webEnvironment: [String: String], processEnvironment: [String: String], withProxy: Bool,
        deploy: String?, environments: String? = nil
    ) throws {
        self.processEnvironment = processEnvironment
        directory = try TemporaryDirectory(prefix: "steward-e2e")
        agentStateDirectory = directory.path + "/agent"
        dataDirectory = directory.path + "/data"
        stackPath = directory.path + "/steward.yaml"
        agentPort = try FreePort.next()
        var port = try FreePort.next()
        while port == agentPort { port = try FreePort.next() }
        serverPort = port
        if withProxy {
            var taken: Set<Int> = [agentPort, port]
            func free() throws -> Int {
                var candidate = try FreePort.next()
                while taken.contains(candidate) { candidate = try FreePort.next() }
                taken.insert(candidate)
                return candidate
            }
            stablePort = try free()
            proxyAdminPort = try free()
        } else {
            stablePort = 8080
            proxyAdminPort = nil
        }
        try Self.stackYAML(
            readinessTimeout: readinessTimeout, webEnvironment: webEnvironment, stablePort: stablePort, deploy: deploy,
            environments: environments)
            .write(toFile: stackPath, atomically: true, encoding: .utf8)
    }

    /// Starts an agent and a control plane and waits until the control plane sees the agent.
    ///
    /// - Parameters:
    ///   - webEnvironment: extra `env:` entries of the `web` service in the stack file.
    ///   - processEnvironment: extra environment of the agent and the control plane processes.
    ///   - withProxy: also run `steward proxy` (started first) and have the control plane drive it;
    ///     the web service's stable port is then a free one (``stablePort``).
    ///   - deploy: the `deploy:` keys of `web` (see ``stackYAML(readinessTimeout:webEnvironment:stablePort:deploy:)``).
    static func start(
        readinessTimeout: String = "5s", webEnvironment: [String: String] = [:], processEnvironment: [String: String] = [:],
        withProxy: Bool = false, deploy: String? = nil, environments: String? = nil
    ) async throws -> StewardCluster {
        let cluster = try StewardCluster(
            readinessTimeout: readinessTimeout, webEnvironment: webEnvironment, processEnvironment: processEnvironment,
            withProxy: withProxy, deploy: deploy, environments: environments)
        do {
            if withProxy { try await cluster.startProxy() }
            try await cluster.startAgent()
            try await cluster.startServer()
        } catch {
            cluster.shutdown()
            throw error
        }
        return cluster
    }

    var agentURL: String { "http://127.0.0.1:\(agentPort)" }
    var serverURL: String { "http://127.0.0.1:\(serverPort)" }
    var agentID: String {
        ((try? String(contentsOfFile: agentStateDirectory + "/agent-id", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var agentToken: String {
        ((try? String(contentsOfFile: agentStateDirectory + "/agent.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var adminToken: String {
        ((try? String(contentsOfFile: dataDirectory + "/admin.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    /// The environment entry every instance of this agent carries.
    var marker: String { "STEWARD_AGENT_ID=\(agentID)" }

    var agent: LaunchedProcess? { lock.withLock { agentProcess } }
    var proxy: LaunchedProcess? { lock.withLock { proxyProcess } }
    var proxyStateDirectory: String { directory.path + "/proxy" }
    var proxyURL: String { "http://127.0.0.1:\(proxyAdminPort ?? 0)" }
    var proxyToken: String {
        ((try? String(contentsOfFile: proxyStateDirectory + "/proxy.token", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    /// The stable URL users reach: the proxy's listener on the web service's `port:`.
    var stableURL: String { "http://127.0.0.1:\(stablePort)" }
    var server: LaunchedProcess? { lock.withLock { serverProcess } }

    // MARK: Starting and killing

    /// Starts `steward agent` on the state directory and waits until it answers `/healthz`.
    func startAgent() async throws {
        let process = try LaunchedProcess.launch(
            name: "steward agent", executable: Self.stewardBinary,
            arguments: ["agent", "--state-dir", agentStateDirectory, "--port", "\(agentPort)"],
            environment: processEnvironment, logPath: directory.path + "/agent.log")
        lock.withLock { agentProcess = process }
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "the agent to answer /healthz") {
            guard process.isRunning else {
                throw UnexpectedAnswer(description: "the agent exited with \(process.terminationStatus): \(process.output())")
            }
            return try await http.get(agentURL + "/healthz").status == 200
        }
    }

    /// Starts `steward proxy` on its own state directory and waits until its admin API answers.
    func startProxy() async throws {
        guard let proxyAdminPort else { return }
        let process = try LaunchedProcess.launch(
            name: "steward proxy", executable: Self.stewardBinary,
            arguments: ["proxy", "--state-dir", proxyStateDirectory, "--admin-port", "\(proxyAdminPort)"],
            logPath: directory.path + "/proxy.log")
        lock.withLock { proxyProcess = process }
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "the proxy to answer on its admin port") {
            guard process.isRunning else {
                throw UnexpectedAnswer(description: "steward proxy exited with \(process.terminationStatus): \(process.output())")
            }
            guard !proxyToken.isEmpty else { return false }
            return try await http.get(proxyURL + "/v1/routes", token: proxyToken).status == 200
        }
    }

    /// Starts `steward serve` on the data directory and waits until it is ready and sees the agent.
    func startServer() async throws {
        let process = try LaunchedProcess.launch(
            name: "steward serve", executable: Self.stewardBinary,
            arguments: [
                "serve", "--stack", stackPath, "--data-dir", dataDirectory, "--port", "\(serverPort)",
                "--agent", agentURL, "--agent-token-file", agentStateDirectory + "/agent.token",
            ] + (proxyAdminPort == nil ? [] : ["--proxy", proxyURL, "--proxy-token-file", proxyStateDirectory + "/proxy.token"]),
            environment: processEnvironment, logPath: directory.path + "/serve.log")
        lock.withLock { serverProcess = process }
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "the control plane to be ready with the agent reachable") {
            guard process.isRunning else {
                throw UnexpectedAnswer(description: "steward serve exited with \(process.terminationStatus): \(process.output())")
            }
            let ready = try await http.get(serverURL + "/readyz")
            return ready.status == 200 && ready.text.contains("\"reachable\"") && !adminToken.isEmpty
        }
    }

    /// SIGKILLs the agent (its instances keep running).
    func killAgent() {
        agent?.kill()
        #expect(agent?.isRunning == false)
    }

    /// SIGKILLs the control plane (instances keep running).
    func killServer() {
        server?.kill()
        #expect(server?.isRunning == false)
    }

    /// Starts a process the cluster kills on shutdown (used to plant a stray with the agent's marker).
    func launchExtra(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> LaunchedProcess {
        let process = try LaunchedProcess.launch(
            name: executable, executable: executable, arguments: arguments, environment: environment,
            logPath: directory.path + "/extra-\(UUID().uuidString.prefix(8)).log")
        lock.withLock { extraProcesses.append(process) }
        return process
    }

    /// Kills the control plane, the agent, every process with this agent's marker and anything
    /// launched with ``launchExtra(_:_:environment:)``, then removes the directory.
    func shutdown() {
        server?.kill()
        agent?.kill()
        let marker = self.marker
        if !agentID.isEmpty {
            for _ in 0..<50 {
                let left = ProcTable.processes(withEnvironmentEntry: marker)
                if left.isEmpty { break }
                ProcTable.killAll(left)
                usleep(20_000)
            }
        }
        for process in lock.withLock({ extraProcesses }) { process.kill() }
        proxy?.kill()
        http.invalidate()
        directory.remove()
    }

    /// The logs of the agent and the control plane, to attach to a failure.
    func logs() -> String {
        let agentLog = (try? String(contentsOfFile: directory.path + "/agent.log", encoding: .utf8)) ?? ""
        let serveLog = (try? String(contentsOfFile: directory.path + "/serve.log", encoding: .utf8)) ?? ""
        let proxyLog = (try? String(contentsOfFile: directory.path + "/proxy.log", encoding: .utf8)) ?? ""
        return "--- agent.log ---\n\(agentLog.suffix(6000))\n--- serve.log ---\n\(serveLog.suffix(6000))"
            + (proxyLog.isEmpty ? "" : "\n--- proxy.log ---\n\(proxyLog.suffix(4000))")
    }

    // MARK: The control plane's API

    /// A request to the control plane's API with the admin token.
    func api(_ method: String, _ path: String, json: Data? = nil, token: String? = nil) async throws -> APIAnswer {
        try await http.send(method, serverURL + "/api/v1" + path, token: token ?? adminToken, json: json)
    }

    /// `POST /api/v1/deployments`; expects 202.
    func deploy(version: String, set overrides: [String: String] = [:], strategy: String? = nil) async throws -> DeploymentView {
        var body: [String: Any] = ["service": "web", "environment": "development", "version": version]
        if !overrides.isEmpty { body["set"] = overrides }
        if let strategy { body["strategy"] = strategy }
        let answer = try await api("POST", "/deployments", json: try JSONSerialization.data(withJSONObject: body))
        guard answer.status == 202 else {
            throw UnexpectedAnswer(description: "POST /deployments answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(DeploymentView.self)
    }

    /// `POST /api/v1/rollbacks`; expects 202.
    func rollback() async throws -> DeploymentView {
        let body = try JSONSerialization.data(withJSONObject: ["service": "web", "environment": "development"])
        let answer = try await api("POST", "/rollbacks", json: body)
        guard answer.status == 202 else {
            throw UnexpectedAnswer(description: "POST /rollbacks answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(DeploymentView.self)
    }

    /// `GET /api/v1/deployments/{id}`.
    func deployment(_ id: Int) async throws -> DeploymentView {
        let answer = try await api("GET", "/deployments/\(id)")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "GET /deployments/\(id) answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(DeploymentView.self)
    }

    /// Waits until deployment `id` finishes and returns it (succeeded or failed).
    func waitUntilFinished(_ id: Int, timeout: Duration = .seconds(30)) async throws -> DeploymentView {
        var last: DeploymentView?
        try await eventually(timeout: timeout, pollEvery: .milliseconds(100), "deployment \(id) to finish") {
            last = try await deployment(id)
            return last?.isFinished == true
        }
        return last!
    }

    /// Deploys and waits; fails the test with the cluster's logs unless the deployment succeeds.
    @discardableResult
    func deployAndExpectSuccess(version: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> DeploymentView {
        let started = try await deploy(version: version)
        let finished = try await waitUntilFinished(started.id)
        #expect(finished.phase == "succeeded", "deploy \(version): \(finished.reason ?? "")\n\(logs())", sourceLocation: sourceLocation)
        return finished
    }

    /// `GET /api/v1/instances` for web in development.
    func instances() async throws -> [InstanceView] {
        let answer = try await api("GET", "/instances?service=web&environment=development")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "GET /instances answered \(answer.status): \(answer.text)")
        }
        return try answer.decode([InstanceView].self).sorted { $0.id < $1.id }
    }

    /// `GET /api/v1/status`: the web service in development.
    func webStatus() async throws -> StatusResponse.Service? {
        let answer = try await api("GET", "/status")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "GET /status answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(StatusResponse.self).services.first { $0.service == "web" && $0.environment == "development" }
    }

    /// `GET /api/v1/events?type=…`, oldest first.
    func events(type: String) async throws -> [EventView] {
        let answer = try await api("GET", "/events?type=\(type)&limit=1000")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "GET /events answered \(answer.status): \(answer.text)")
        }
        return try answer.decode([EventView].self).sorted { $0.seq < $1.seq }
    }

    // MARK: The agent's API

    /// `GET /v1/instances` straight from the agent (works while the control plane is down).
    func agentInstances() async throws -> [InstanceView] {
        let answer = try await http.get(agentURL + "/v1/instances", token: agentToken)
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "agent GET /v1/instances answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(AgentSnapshotView.self).instances.sorted { $0.id < $1.id }
    }

    // MARK: The instances themselves

    /// `GET /api/version` on an instance's port.
    func version(onPort port: Int) async throws -> String {
        let answer = try await http.get("http://127.0.0.1:\(port)/api/version")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "GET :\(port)/api/version answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(VersionAnswer.self).version
    }

    /// Live processes with this agent's marker, per /proc.
    func markedProcesses() -> [ProcTable.Entry] {
        ProcTable.processes(withEnvironmentEntry: marker)
    }

    /// Waits until the agent runs exactly `count` ready instances, all of `version`, each answering
    /// `/api/version` with it, and returns them.
    @discardableResult
    func waitForServing(version: String, count: Int = 2, timeout: Duration = .seconds(20)) async throws -> [InstanceView] {
        var serving: [InstanceView] = []
        try await eventually(timeout: timeout, pollEvery: .milliseconds(100), "\(count) ready instances of \(version)") {
            let instances = try await instances()
            guard instances.count == count, instances.allSatisfy({ $0.ready && $0.spec.version == version && $0.pid != nil })
            else { return false }
            for instance in instances where try await self.version(onPort: instance.port) != version { return false }
            serving = instances
            return true
        }
        return serving
    }
}
