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

/// The real `demo-app` binary, launched as Steward's supervisor runs it: environment in, HTTP and exit codes out.
@Suite struct DemoAppTests {
    /// healthz answers 200 with the configured version; stdout has the startup line and one line per request.
    @Test func healthzAnswersWithVersionAndLogs() async throws {
        let app = try DemoAppProcess.launch(["APP_VERSION": "9.9.9"])
        defer { app.kill() }
        try await app.waitUntilListening()

        let health = try await app.get("/api/health/healthz")
        #expect(health.status == 200)
        #expect(try health.body() == AnswerBody(status: "ok", version: "9.9.9"))
        try await eventually("the startup line and a request line in stdout") {
            let output = app.standardOutput()
            return output.contains("demo-app 9.9.9 listening on 127.0.0.1:\(app.port)\n")
                && output.contains("GET /api/health/healthz 200 ")
        }
    }

    /// Without DATABASE_URL, readyz is Ready with the database check skipped; STEWARD_VERSION names the version.
    @Test func readyzSkipsTheDatabaseWhenNoneIsConfigured() async throws {
        let app = try DemoAppProcess.launch(["STEWARD_VERSION": "4.5.6"])
        defer { app.kill() }
        try await app.waitUntilListening()

        let ready = try await app.get("/api/health/readyz")
        #expect(ready.status == 200)
        #expect(try ready.body() == AnswerBody(status: "Ready", version: "4.5.6", checks: ["database": "skipped"]))
        #expect(try await app.get("/api/version").body() == AnswerBody(version: "4.5.6"))
    }

    /// FAIL_HEALTH=1 makes healthz and readyz answer 503 while the API still works.
    @Test func failHealthMakesProbesFail() async throws {
        let app = try DemoAppProcess.launch(["FAIL_HEALTH": "1"])
        defer { app.kill() }
        try await app.waitUntilListening()

        #expect(try await app.get("/api/health/healthz").status == 503)
        let ready = try await app.get("/api/health/readyz")
        #expect(ready.status == 503)
        #expect(try ready.body().status == "NotReady")
        #expect(try await app.get("/api/v1/items").status == 200)
    }

    /// CRASH_ON_START=1 exits with status 1 at once, saying why on stderr.
    @Test func crashOnStartExitsNonZero() async throws {
        let app = try DemoAppProcess.launch(["CRASH_ON_START": "true"])
        defer { app.kill() }
        let status = try await app.waitForExit(timeout: .seconds(10))
        #expect(status == 1)
        #expect(app.standardError().contains("CRASH_ON_START"))
        #expect(!app.standardOutput().contains("listening"))
    }

    /// An invalid setting exits with status 2 and names the variable on stderr.
    @Test(arguments: [
        ("ERROR_RATE", "1.5"), ("LATENCY_MS", "fast"), ("LATENCY_MS", "300-100"), ("PORT", "http"),
        ("FAIL_HEALTH", "maybe"), ("READY_DELAY_MS", "-5"), ("DATABASE_URL", "mysql://user@host/db"),
    ])
    func invalidSettingExitsWithStatus2(variable: String, value: String) async throws {
        let app = try DemoAppProcess.launch([variable: value])
        defer { app.kill() }
        let status = try await app.waitForExit(timeout: .seconds(10))
        #expect(status == 2)
        #expect(app.standardError().contains(variable))
    }

    /// ERROR_RATE=1 fails every API request with 500 JSON while healthz and readyz stay 200.
    @Test func errorRateOneFailsTheAPIButNotHealth() async throws {
        let app = try DemoAppProcess.launch(["ERROR_RATE": "1"])
        defer { app.kill() }
        try await app.waitUntilListening()

        for _ in 0..<5 {
            let items = try await app.get("/api/v1/items")
            #expect(items.status == 500)
            #expect(try items.body().error != nil)
        }
        #expect(try await app.get("/api/health/healthz").status == 200)
        #expect(try await app.get("/api/health/readyz").status == 200)
    }

    /// ERROR_RATE=0 never fails: every API request answers 200.
    @Test func errorRateZeroNeverFails() async throws {
        let app = try DemoAppProcess.launch(["ERROR_RATE": "0"])
        defer { app.kill() }
        try await app.waitUntilListening()

        for _ in 0..<10 {
            #expect(try await app.get("/api/v1/items").status == 200)
        }
    }

    /// LATENCY_MS as a range delays each API request by at least its lower bound.
    @Test func latencyDelaysAPIRequests() async throws {
        let app = try DemoAppProcess.launch(["LATENCY_MS": "250-300"])
        defer { app.kill() }
        try await app.waitUntilListening()

        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await app.get("/api/v1/items").status == 200)
        #expect(clock.now - start >= .milliseconds(250))
    }

    /// The API lists items, finds one by id, answers 404 JSON for a missing item or path, and echoes JSON.
    @Test func apiEndpointsAnswerJSON() async throws {
        let app = try DemoAppProcess.launch([:])
        defer { app.kill() }
        try await app.waitUntilListening()

        let list = try await app.get("/api/v1/items")
        #expect(list.status == 200)
        let items = try JSONSerialization.jsonObject(with: list.data) as? [[String: Any]]
        #expect((items?.count ?? 0) >= 2)
        let one = try await app.get("/api/v1/items/2")
        #expect(one.status == 200)
        #expect((try JSONSerialization.jsonObject(with: one.data) as? [String: Any])?["id"] as? Int == 2)
        let missing = try await app.get("/api/v1/items/404")
        #expect(missing.status == 404)
        #expect(try missing.body().error != nil)
        let unknown = try await app.get("/no/such/path")
        #expect(unknown.status == 404)
        #expect(try unknown.body().error != nil)

        let document = Data(#"{"hello":["world",1,true,null]}"#.utf8)
        let echo = try await app.send("POST", "/api/v1/echo", body: document)
        #expect(echo.status == 200)
        #expect(echo.data == document)
        #expect(try await app.send("POST", "/api/v1/echo", body: Data("{not json".utf8)).status == 400)
    }

    /// READY_DELAY_MS keeps readyz at 503 "starting" while healthz is 200; without it readyz is Ready.
    ///
    /// The delay is far longer than any start-up on a loaded machine, so the test does not race the clock.
    @Test func readyDelayHoldsReadinessBack() async throws {
        let app = try DemoAppProcess.launch(["READY_DELAY_MS": "600000"])
        defer { app.kill() }
        try await app.waitUntilListening()

        let early = try await app.get("/api/health/readyz")
        #expect(early.status == 503)
        #expect(try early.body().status == "starting")
        #expect(try await app.get("/api/health/healthz").status == 200)

        let prompt = try DemoAppProcess.launch(["READY_DELAY_MS": "0"])
        defer { prompt.kill() }
        try await prompt.waitUntilListening()
        #expect(try await prompt.get("/api/health/readyz").status == 200)
    }

    /// With DATABASE_URL at a real PostgreSQL, readyz is Ready with the database ok; once it stops, NotReady.
    @Test func readyzChecksARealDatabase() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let app = try DemoAppProcess.launch(["DATABASE_URL": postgres.url])
        defer { app.kill() }
        try await app.waitUntilListening()

        let ready = try await app.get("/api/health/readyz")
        #expect(ready.status == 200)
        #expect(try ready.body() == AnswerBody(status: "Ready", version: "dev", checks: ["database": "ok"]))

        postgres.stop()
        let down = try await app.get("/api/health/readyz")
        #expect(down.status == 503)
        #expect(try down.body().status == "NotReady")
    }

    /// With DATABASE_URL at a port nobody listens on, readyz answers 503 NotReady with the error, healthz 200.
    @Test func readyzFailsWhenTheDatabaseIsUnreachable() async throws {
        let closedPort = try FreePort.next()
        let app = try DemoAppProcess.launch(["DATABASE_URL": "postgres://postgres@127.0.0.1:\(closedPort)/postgres"])
        defer { app.kill() }
        try await app.waitUntilListening()

        let ready = try await app.get("/api/health/readyz")
        #expect(ready.status == 503)
        let body = try ready.body()
        #expect(body.status == "NotReady")
        #expect(body.checks?["database"].map { !$0.isEmpty && $0 != "ok" } == true)
        #expect(try await app.get("/api/health/healthz").status == 200)
    }

    /// /metrics counts requests by route and status, and has the latency histogram and build info.
    @Test func metricsCountRequests() async throws {
        let app = try DemoAppProcess.launch(["APP_VERSION": "1.0.0-test"])
        defer { app.kill() }
        try await app.waitUntilListening()
        let before = try await app.get("/metrics")

        _ = try await app.get("/api/v1/items")
        _ = try await app.get("/api/v1/items")
        _ = try await app.get("/api/v1/items/99")
        let metrics = try await app.get("/metrics")
        #expect(metrics.status == 200)
        let text = String(decoding: metrics.data, as: UTF8.self)
        #expect(!String(decoding: before.data, as: UTF8.self).contains(#"path="/api/v1/items""#))
        #expect(text.contains(#"demo_requests_total{path="/api/v1/items",status="200"} 2"#))
        #expect(text.contains(#"demo_requests_total{path="/api/v1/items/{id}",status="404"} 1"#))
        #expect(text.contains(#"demo_request_duration_seconds_bucket{le="+Inf"}"#))
        #expect(text.contains("# TYPE demo_request_duration_seconds histogram"))
        #expect(text.contains(#"demo_build_info{version="1.0.0-test"} 1"#))
    }

    /// SIGTERM shuts the server down gracefully with exit status 0.
    @Test func sigtermExitsZero() async throws {
        let app = try DemoAppProcess.launch([:])
        defer { app.kill() }
        try await app.waitUntilListening()
        #expect(try await app.get("/api/health/healthz").status == 200)

        app.signal(SIGTERM)
        let status = try await app.waitForExit(timeout: .seconds(15))
        #expect(status == 0)
        #expect(app.exitedNormally)
    }
}

/// The fields of demo-app's JSON answers that the tests look at.
private struct AnswerBody: Decodable, Equatable {
    var status: String?
    var version: String?
    var checks: [String: String]?
    var error: String?
}

/// One HTTP answer: status code and body bytes.
private struct HTTPAnswer: Sendable {
    var status: Int
    var data: Data

    /// The body decoded as a demo-app JSON answer.
    func body() throws -> AnswerBody {
        try JSONDecoder().decode(AnswerBody.self, from: data)
    }
}

/// Thrown when demo-app exits while a test waits for it to listen.
private struct ExitedEarly: Error, CustomStringConvertible {
    var status: Int32
    var standardError: String
    var description: String { "demo-app exited with status \(status): \(standardError)" }
}

/// `kill(2)`, under a name that the process wrapper's own `kill()` does not shadow.
private func sendSignal(_ signal: Int32, to pid: Int32) {
    _ = kill(pid, signal)
}

/// A `demo-app` process on a free port, with its stdout and stderr in files; `kill()` it in a `defer`.
private final class DemoAppProcess: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: TemporaryDirectory
    private let session: URLSession

    private init(port: Int, process: Process, directory: TemporaryDirectory) {
        self.port = port
        self.process = process
        self.directory = directory
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    /// Starts the built binary with only `environment` (plus PORT, HOST and PATH): nothing leaks in from the test's.
    static func launch(_ environment: [String: String]) throws -> DemoAppProcess {
        let port = try FreePort.next()
        let directory = try TemporaryDirectory(prefix: "demo-app-test")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.buildProductsDirectory() + "/demo-app")
        var variables = ["PORT": "\(port)", "HOST": "127.0.0.1"]
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        variables.merge(environment) { _, given in given }
        process.environment = variables
        _ = FileManager.default.createFile(atPath: directory.path + "/stdout.log", contents: nil)
        _ = FileManager.default.createFile(atPath: directory.path + "/stderr.log", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory.path + "/stdout.log")
        process.standardError = FileHandle(forWritingAtPath: directory.path + "/stderr.log")
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            directory.remove()
            throw error
        }
        return DemoAppProcess(port: port, process: process, directory: directory)
    }

    /// Waits until healthz answers at all (any status); fails at once, with stderr, if the process exits instead.
    func waitUntilListening() async throws {
        try await eventually(timeout: .seconds(20), "demo-app to listen on port \(port)") {
            guard process.isRunning else { return true }
            _ = try await get("/api/health/healthz")
            return true
        }
        if !process.isRunning {
            throw ExitedEarly(status: process.terminationStatus, standardError: standardError())
        }
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        try await eventually(timeout: timeout, "demo-app to exit") { !process.isRunning }
        return process.terminationStatus
    }

    /// Whether it exited by itself rather than by an uncaught signal.
    var exitedNormally: Bool { process.terminationReason == .exit }

    /// Sends `signal` to the process.
    func signal(_ signal: Int32) {
        if process.isRunning { sendSignal(signal, to: process.processIdentifier) }
    }

    /// Kills the process if it still runs, waits for it, and removes its files. Safe to call twice.
    func kill() {
        if process.isRunning {
            sendSignal(SIGKILL, to: process.processIdentifier)
            process.waitUntilExit()
        }
        session.invalidateAndCancel()
        directory.remove()
    }

    /// Everything written to stdout so far.
    func standardOutput() -> String {
        (try? String(contentsOfFile: directory.path + "/stdout.log", encoding: .utf8)) ?? ""
    }

    /// Everything written to stderr so far.
    func standardError() -> String {
        (try? String(contentsOfFile: directory.path + "/stderr.log", encoding: .utf8)) ?? ""
    }

    /// `GET path` on the process's port.
    func get(_ path: String) async throws -> HTTPAnswer {
        try await send("GET", path, body: nil)
    }

    /// `method path` with an optional JSON body on the process's port.
    func send(_ method: String, _ path: String, body: Data?) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let session = self.session
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: HTTPAnswer(status: response.statusCode, data: data ?? Data()))
                } else {
                    continuation.resume(throwing: URLError(.badServerResponse))
                }
            }.resume()
        }
    }
}
