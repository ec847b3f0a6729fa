import Foundation
import StewardTesting
import Testing

/// What the runbook tests share: the shipped example runbooks over a test stack, users with
/// roles, SQL and Redis commands for setting up and checking, and following a run.
enum RunbookFixture {
    /// The `runbooks:` section of `examples/FILE.yaml` (the last section of every example).
    static func exampleRunbooks(_ file: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/\(file).yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let start = text.range(of: "\nrunbooks:\n") else {
            throw UnexpectedAnswer(description: "examples/\(file).yaml has no runbooks section")
        }
        return String(text[text.index(after: start.lowerBound)...])
    }

    /// A demo-app service with a stable port, readiness on `/api/health/readyz`, rolling one at a time.
    static func service(_ name: String, port: Int, instances: Int = 1) -> String {
        """
          \(name):
            command: \(StewardCluster.demoAppBinary)
            port: \(port)
            instances: \(instances)
            readiness:
              http: {path: /api/health/readyz, expectJSON: {status: Ready}}
              interval: 1s
              timeout: 1s
            stopGracePeriod: 2s
            deploy: {strategy: rolling, maxSurge: 1, readinessTimeout: 10s}

        """
    }

    /// The examples' environments, none asking for approvals.
    static let environments = "  development: {}\n  staging: {}\n  production: {}\n"

    /// A stack file: the given dependencies (name → URL), services and environments, then `runbooks`.
    /// A dependency on port 1 is a placeholder nothing listens on: it is `required: false`, so
    /// deployments do not wait for it in their pre-deployment checklist.
    static func stack(dependencies: [String: String], services: String, environments: String, runbooks: String) -> String {
        "version: 1\nstack: runbooks\ndependencies:\n"
            + dependencies.sorted { $0.key < $1.key }.map { name, url in
                let placeholder = url.hasSuffix("127.0.0.1:1") || url.contains("127.0.0.1:1/")
                return "  \(name):\n    url: \"\(url)\"\n" + (placeholder ? "    required: false\n" : "")
            }.joined()
            + "services:\n" + services + "environments:\n" + environments + runbooks
    }

    /// `api` for ``stack(dependencies:services:environments:runbooks:)``: demo-app on `port` with its
    /// `DATABASE_URL` from dependency `db`, probed every second, rolling one instance at a time
    /// (`deploy:` keys more than those, such as `migrate: [db]`, in `moreDeployKeys`).
    static func databaseService(port: Int, moreDeployKeys: String = "") -> String {
        """
          api:
            command: \(StewardCluster.demoAppBinary)
            port: \(port)
            env:
              DATABASE_URL: ${dependencies.db.url}
            readiness:
              http: {path: /api/health/healthz}
              interval: 1s
              timeout: 1s
            stopGracePeriod: 2s
            deploy: {strategy: rolling, maxSurge: 1, readinessTimeout: 15s\(moreDeployKeys.isEmpty ? "" : ", " + moreDeployKeys)}

        """
    }

    /// Applies a stack file through the API (admin); fails the test with the answer unless it is accepted.
    static func apply(_ stack: String, to cluster: StewardCluster) async throws {
        let answer = try await cluster.http.send(
            "PUT", cluster.serverURL + "/api/v1/stack", token: cluster.adminToken, body: Data(stack.utf8),
            contentType: "application/yaml")
        guard answer.status == 200 else { throw UnexpectedAnswer(description: "PUT /stack: \(answer.status) \(answer.text)") }
    }

    /// Adds a user with roles and returns a token of theirs.
    static func user(_ name: String, roles: [String], on cluster: StewardCluster) async throws -> String {
        let added = try await cluster.api(
            "POST", "/users", json: try JSONSerialization.data(withJSONObject: ["name": name, "roles": roles]))
        guard added.status == 201 || added.status == 200 else {
            throw UnexpectedAnswer(description: "POST /users: \(added.status) \(added.text)")
        }
        let token = try await cluster.api("POST", "/tokens", json: try JSONSerialization.data(withJSONObject: ["user": name]))
        guard let object = try JSONSerialization.jsonObject(with: token.data) as? [String: Any],
            let secret = object["token"] as? String
        else { throw UnexpectedAnswer(description: "POST /tokens: \(token.status) \(token.text)") }
        return secret
    }

    /// A run as the API answers it (the fields the tests read).
    struct Run: Decodable {
        struct Step: Decodable {
            struct Result: Decodable {
                var succeeded: Bool
                var value: String?
                var rows: Int?
                var status: Int?
                var output: String
                var error: String?
            }

            var name: String
            var state: String
            var result: Result?
            var display: String?
            var approvals: [String]
            var note: String?
        }

        var id: Int
        var phase: String
        var reason: String?
        var startedBy: String
        var steps: [Step]

        func step(_ name: String) -> Step? { steps.first { $0.name == name } }
    }

    /// `POST /runbooks/NAME/runs` with a token; the raw answer.
    static func start(
        _ runbook: String, environment: String, from: String? = nil, token: String, on cluster: StewardCluster
    ) async throws -> APIAnswer {
        var body: [String: Any] = ["environment": environment]
        if let from { body["from"] = from }
        return try await cluster.api(
            "POST", "/runbooks/\(runbook)/runs", json: try JSONSerialization.data(withJSONObject: body), token: token)
    }

    static func run(_ id: Int, on cluster: StewardCluster) async throws -> Run {
        try await cluster.api("GET", "/runbook-runs/\(id)").decode(Run.self)
    }

    /// Waits until run `id` is in one of `phases` and returns it.
    static func waitFor(
        _ id: Int, _ phases: Set<String>, on cluster: StewardCluster, timeout: Duration = .seconds(60)
    ) async throws -> Run {
        var last: Run?
        try await eventually(timeout: timeout, pollEvery: .milliseconds(100), "run \(id) to be \(phases.sorted())") {
            last = try await run(id, on: cluster)
            return phases.contains(last!.phase)
        }
        return last!
    }

    /// `steward …` against the cluster with a token.
    static func steward(_ arguments: [String], token: String, on cluster: StewardCluster, timeout: Duration = .seconds(120))
        async throws -> CommandResult
    {
        try await runCommand(
            StewardCluster.stewardBinary, arguments + ["--server", cluster.serverURL, "--token", token], timeout: timeout)
    }

    // MARK: PostgreSQL and Redis from the outside

    /// Runs SQL with `psql` as the superuser and returns its unaligned, tuples-only output.
    static func psql(_ postgres: PostgresServer, _ sql: String) async throws -> String {
        let result = try await runCommand(
            "/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        guard result.status == 0 else { throw UnexpectedAnswer(description: "psql \(sql): \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a Redis command with `redis-cli` and returns its output.
    static func redis(_ server: RedisServer, _ arguments: [String]) async throws -> String {
        let result = try await runCommand(
            "/usr/bin/redis-cli", ["-p", "\(server.port)"] + arguments,
            environment: server.password.map { ["REDISCLI_AUTH": $0] } ?? [:])
        guard result.status == 0 else { throw UnexpectedAnswer(description: "redis-cli \(arguments): \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A PostgreSQL session held open inside a transaction (`idle in transaction`), as a stuck
/// application connection would be: `psql` reading from a pipe that stays open.
final class StuckSession: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()

    init(postgres: PostgresServer, applicationName: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", "127.0.0.1", "-p", "\(postgres.port)", "-U", "postgres", "-q"]
        process.environment = ["PGAPPNAME": applicationName, "PATH": "/usr/bin:/bin"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN;\nSELECT 1;\n".utf8))
    }

    /// Ends psql (if the server has not already ended its session) and reaps it.
    func close() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
