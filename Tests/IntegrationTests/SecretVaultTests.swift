import Foundation
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `steward secret` against real `steward serve` and `steward agent` processes: values go in
/// through stdin only, reach the instances, and show nowhere else.
@Suite(.serialized)
struct SecretVaultTests {
    static var steward: String { StewardCluster.stewardBinary }

    /// Runs `steward` with `input` on its stdin (a pipe, so the value touches no file) and collects the result.
    static func run(_ arguments: [String], stdin input: String? = nil) async throws -> CommandResult {
        let directory = try TemporaryDirectory(prefix: "steward-secret-cli")
        defer { directory.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: steward)
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let outPath = directory.path + "/stdout", errPath = directory.path + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let pipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : pipe
        try process.run()
        try? out.close()
        try? err.close()
        if let input {
            pipe.fileHandleForWriting.write(Data(input.utf8))
            try pipe.fileHandleForWriting.close()
        }
        defer {
            if process.isRunning {
                signalProcess(SIGKILL, to: process.processIdentifier)
                process.waitUntilExit()
            }
        }
        try await eventually(timeout: .seconds(120), "steward \(arguments.prefix(3).joined(separator: " ")) to finish") {
            !process.isRunning
        }
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// A value given on the command line, as an argument or an option, is a usage error (64)
    /// that never repeats it, and nothing is sent.
    @Test func aValueIsNeverTakenFromTheCommandLine() async throws {
        let value = "argv-\(UUID().uuidString)"
        for arguments in [
            ["secret", "set", "DB_PASSWORD", value], ["secret", "set", "DB_PASSWORD", "--value", value],
            ["secret", "rotate", "DB_PASSWORD", value], ["secret", "set", "DB_PASSWORD", "--env", "staging", value],
        ] {
            let result = try await Self.run(arguments + ["--server", "http://127.0.0.1:9"], stdin: "ignored\n")
            #expect(result.status == 64, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains("never taken from the command line"))
            #expect(!(result.standardOutput + result.standardError).contains(value))
        }
        let badName = try await Self.run(["secret", "set", "db-password", "--server", "http://127.0.0.1:9"], stdin: "x")
        #expect(badName.status == 64)
        #expect(badName.standardError.contains("[A-Z_][A-Z0-9_]*"))
        let empty = try await Self.run(["secret", "set", "DB_PASSWORD", "--server", "http://127.0.0.1:9"], stdin: "\n")
        #expect(empty.status == 64)
        #expect(empty.standardError.contains("must not be empty"))
    }

    /// set, list, rotate and remove round-trip through the CLI; list shows versions and who set
    /// them, never values; unknown secrets are refused by the server (exit 2, HTTP 404).
    @Test func setListRotateRemoveRoundTrip() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]
        let value = "round-trip-\(UUID().uuidString)"

        let set = try await Self.run(["secret", "set", "API_KEY"] + client, stdin: value + "\n")
        #expect(set.status == 0, "\(set.standardError)")
        #expect(set.standardOutput == "secret API_KEY set for every environment: version 1\n")
        let scoped = try await Self.run(["secret", "set", "API_KEY", "--env", "development"] + client, stdin: value + "-dev")
        #expect(scoped.standardOutput == "secret API_KEY set for development: version 1\n", "\(scoped.standardError)")
        let rotated = try await Self.run(["secret", "rotate", "API_KEY"] + client, stdin: value + "-2\n")
        #expect(rotated.standardOutput == "secret API_KEY rotated for every environment: version 2\n", "\(rotated.standardError)")

        let listed = try await Self.run(["secret", "list", "--output", "json"] + client)
        #expect(listed.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]] ?? []
        #expect(rows.map { "\($0["name"] ?? "")/\($0["environment"] ?? "*")/\($0["version"] ?? "")" } == ["API_KEY/*/2", "API_KEY/development/1"])
        #expect(rows.allSatisfy { $0["setBy"] as? String == "admin" && $0["value"] == nil })
        let table = try await Self.run(["secret", "list", "--env", "development"] + client)
        #expect(table.standardOutput.contains("API_KEY"))
        #expect(table.standardOutput.contains("development"))
        #expect(!(listed.standardOutput + table.standardOutput).contains(value))

        let valueFile = try TemporaryDirectory(prefix: "steward-secret-file")
        defer { valueFile.remove() }
        try "from-file\n".write(toFile: valueFile.path + "/value", atomically: true, encoding: .utf8)
        let fromFile = try await Self.run(["secret", "set", "FILE_KEY", "--from-file", valueFile.path + "/value"] + client)
        #expect(fromFile.standardOutput == "secret FILE_KEY set for every environment: version 1\n", "\(fromFile.standardError)")
        let removedFile = try await Self.run(["secret", "remove", "FILE_KEY"] + client)
        #expect(removedFile.status == 0)

        let removed = try await Self.run(["secret", "remove", "API_KEY", "--env", "development"] + client)
        #expect(removed.standardOutput == "secret API_KEY removed for development (1 version(s))\n", "\(removed.standardError)")
        let missing = try await Self.run(["secret", "rotate", "NOPE"] + client, stdin: "x")
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("no secret NOPE for every environment (HTTP 404)"))
        let types = try await cluster.events(type: "secret.").map(\.type)
        #expect(types == ["secret.set", "secret.set", "secret.rotated", "secret.set", "secret.removed", "secret.removed"])
    }

    /// A canary set with `steward secret set` (stdin) reaches the instance's environment and
    /// nothing else: no API answer, no event, no file under the installation (the SQLite store
    /// included: the vault is encrypted), no process's command line.
    @Test func vaultCanaryStaysSecret() async throws {
        let canary = "vault-canary-\(UUID().uuidString)"
        let cluster = try await StewardCluster.start(webEnvironment: ["CANARY_SECRET": "${secret:CANARY}"])
        defer { cluster.shutdown() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]
        let set = try await Self.run(["secret", "set", "CANARY", "--env", "development"] + client, stdin: canary + "\n")
        #expect(set.status == 0, "\(set.standardError)")
        _ = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let instances = try await cluster.waitForServing(version: "1.0.0")

        let pid = try #require(instances.first?.pid)
        let list = try await Self.run(["secret", "list", "--output", "json"] + client).standardOutput
        let answers = try await SecretSearch.expectOnlyInInstance(
            canary, pid: pid, cluster: cluster, extraPaths: ["/secrets", "/secrets?environment=development"],
            extraAnswers: ["steward secret list": list])
        #expect(answers["serve /secrets"]?.contains("CANARY") == true, "the vault lists the secret by name")
        #expect(answers["serve /events?limit=1000"]?.contains("secret.set") == true)
        #expect(SecurityTests.mode(of: cluster.dataDirectory + "/vault.key") == 0o600)
    }

    /// `rotate --restart --wait` rolls the service that reads the secret: its instances end up
    /// with the new value, through a rolling deployment of the same version, and the ready count
    /// (sampled from `/api/v1/status` all along) never drops below what it was.
    @Test func rotateRestartRollsTheUsers() async throws {
        let cluster = try await StewardCluster.start(webEnvironment: ["JWT_KEY": "${secret:JWT_KEY}"])
        defer { cluster.shutdown() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]
        let first = "jwt-1-\(UUID().uuidString)", second = "jwt-2-\(UUID().uuidString)"
        #expect(try await Self.run(["secret", "set", "JWT_KEY"] + client, stdin: first).status == 0)
        _ = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let before = try await cluster.waitForServing(version: "1.0.0")
        for instance in before {
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(try #require(instance.pid))/environ"))
            #expect(String(decoding: environ, as: UTF8.self).contains("JWT_KEY=\(first)"))
        }

        // Every ready instance serves, whichever release it runs (status' `ready` counts the current release only).
        let readyBefore = try #require(try await cluster.webStatus()).instances.filter(\.ready).count
        #expect(readyBefore == 2)
        async let rotation = Self.run(["secret", "rotate", "JWT_KEY", "--restart", "--wait"] + client, stdin: second)
        var lowest = readyBefore, samples = 0
        var sawNewRelease = false
        // Sample until the rotation's deployment has finished (or the deadline passes).
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(20), "the restart to finish") {
            guard let status = try await cluster.webStatus() else { return false }
            let ready = status.instances.filter(\.ready).count
            lowest = min(lowest, ready)
            samples += 1
            if (status.release ?? 0) > 1 { sawNewRelease = true }
            return sawNewRelease && ready == readyBefore && status.instances.allSatisfy { $0.release > 1 }
        }
        let rotated = try await rotation
        #expect(lowest >= readyBefore, "ready instances dropped to \(lowest) during the restart (\(samples) samples)")
        #expect(rotated.status == 0, "\(rotated.standardOutput)\(rotated.standardError)\n\(cluster.logs())")
        #expect(rotated.standardOutput.contains("secret JWT_KEY rotated for every environment: version 2"))
        #expect(rotated.standardOutput.contains("succeeded"))
        let after = try await cluster.waitForServing(version: "1.0.0")
        #expect(Set(after.map(\.id)).isDisjoint(with: before.map(\.id)), "new instances replaced the old ones")
        for instance in after {
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(try #require(instance.pid))/environ"))
            #expect(String(decoding: environ, as: UTF8.self).contains("JWT_KEY=\(second)"))
        }
    }
}
