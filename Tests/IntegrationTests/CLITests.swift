import Foundation
import StewardTesting
import Testing

/// The `steward` command line as a user runs it: the built binary, its output and its exit codes
/// (0 success, 1 the operation failed, 2 the server refused, 3 the server unreachable, 64 usage).
@Suite struct CLITests {
    private var steward: String { StewardCluster.stewardBinary }

    /// `steward validate` reports every problem of a broken file as `file:line:column: …` (pointing
    /// at the offending value) and exits 1.
    @Test func validateReportsEveryProblemWithPosition() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-cli-validate")
        defer { directory.remove() }
        let text = """
            version: 1
            stack: broken
            services:
              web:
                command: ""
                instances: -1
                readiness:
                  http:
                    path: 42
                stopGracePeriod: soon
                deploy:
                  readinessTimeout: later
            environments:
              development:
                instances:
                  nosuch: 2
            """
        let file = directory.path + "/broken.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        // Where each planted mistake is: the line holding `key` and the column of `value` on it.
        let planted = [
            ("command:", "\"\""), ("instances: -1", "-1"), ("path:", "42"), ("stopGracePeriod:", "soon"),
            ("readinessTimeout:", "later"), ("nosuch:", "nosuch"),
        ].map { Self.position(of: $1, onLineWith: $0, in: text) }

        let result = try await runCommand(steward, ["validate", file])
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == planted.count, "stdout:\n\(result.standardOutput)")
        let pattern = try Regex("^\(NSRegularExpression.escapedPattern(for: file)):([0-9]+):([0-9]+): .+")
        var reported: [String] = []
        for line in lines {
            let match = line.wholeMatch(of: pattern)
            #expect(match != nil, "not file:line:column: \(line)")
            if let match { reported.append("\(match.output[1].substring ?? ""):\(match.output[2].substring ?? "")") }
        }
        #expect(Set(reported) == Set(planted.map { "\($0.line):\($0.column)" }), "stdout:\n\(result.standardOutput)")
        #expect(result.standardError.contains("\(planted.count) problem(s)"))
    }

    /// A valid example stack validates with exit 0; a missing file exits 1 naming it.
    @Test func validateAcceptsTheExamples() async throws {
        let example = TestEnvironment.repositoryRoot() + "/examples/smartunderwrite.yaml"
        let valid = try await runCommand(steward, ["validate", example])
        #expect(valid.status == 0, "\(valid.standardOutput)\(valid.standardError)")
        #expect(valid.standardOutput.contains("valid"))

        let missing = try await runCommand(steward, ["validate", "/nonexistent/steward.yaml"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("/nonexistent/steward.yaml"))
    }

    /// A key the file sets but this version does not enforce is a positioned warning, in text and in
    /// JSON; the file is still valid and validate exits 0.
    @Test func validateWarnsAboutKeysThatAreNotEnforced() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-cli-warnings")
        defer { directory.remove() }
        let text = """
            stack: shop
            services:
              web:
                command: /bin/web
                deploy:
                  rollback: ["error_rate > 5% for 5m"]
            """
        let file = directory.path + "/steward.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let at = Self.position(of: "rollback", onLineWith: "rollback:", in: text)
        let warning =
            "\(file):\(at.line):\(at.column): warning: `services.web.deploy.rollback` is only partly enforced by this "
            + "version: checked during blue/green and canary rollouts in the traffic environment, not during rolling deployments"

        let result = try await runCommand(steward, ["validate", file])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == warning)
        #expect(lines.last?.hasSuffix(", 1 warning(s)") == true, "stdout:\n\(result.standardOutput)")

        let json = try await runCommand(steward, ["validate", file, "--output", "json"])
        #expect(json.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(report?["valid"] as? Bool == true)
        let warnings = report?["warnings"] as? [[String: Any]]
        #expect(warnings?.count == 1)
        #expect(warnings?.first?["key"] as? String == "services.web.deploy.rollback")
        #expect(warnings?.first?["line"] as? Int == at.line)
        #expect(warnings?.first?["column"] as? Int == at.column)
        #expect(warnings?.first?["message"] as? String == warning)
    }

    /// `--help` lists the subcommands, `deploy --help` documents --wait, and a usage error exits 64.
    @Test func helpListsSubcommandsAndUsageErrorsExit64() async throws {
        let help = try await runCommand(steward, ["--help"])
        #expect(help.status == 0)
        for subcommand in ["validate", "serve", "agent", "proxy", "status", "deploy", "rollback", "releases", "logs", "events", "audit", "demo"] {
            #expect(help.standardOutput.contains("  \(subcommand)"), "--help does not list \(subcommand)")
        }
        let deployHelp = try await runCommand(steward, ["deploy", "--help"])
        #expect(deployHelp.status == 0)
        #expect(deployHelp.standardOutput.contains("--wait"))
        #expect(deployHelp.standardOutput.contains("--env"))
        #expect(deployHelp.standardOutput.contains("--set"))

        let missingVersion = try await runCommand(steward, ["deploy", "web", "--env", "development"])
        #expect(missingVersion.status == 64)
        #expect(missingVersion.standardError.contains("--version"))

        // Forgetting --env while giving --version must be a usage error too, not a success.
        let missingEnvironment = try await runCommand(steward, ["deploy", "web", "--version", "1.0.0"])
        #expect(missingEnvironment.status == 64, "stdout: \(missingEnvironment.standardOutput)")
        #expect(missingEnvironment.standardError.contains("--env"))

        let badAdminPort = try await runCommand(steward, ["proxy", "--admin-port", "0"])
        #expect(badAdminPort.status == 64)
        #expect(badAdminPort.standardError.contains("--admin-port must be 1–65535"))
    }

    /// `promote` documents both of its forms; the commands acting on a deployment have --help and
    /// --output json; a bad mix of promote's or the window override's options is a usage error (64)
    /// sent nowhere (the server named does not exist).
    @Test func promotionAndDeploymentActionUsage() async throws {
        let promoteHelp = try await runCommand(steward, ["promote", "--help"])
        #expect(promoteHelp.status == 0)
        #expect(promoteHelp.standardOutput.contains("steward promote <service> --from <env> --to <env>"))
        #expect(promoteHelp.standardOutput.contains("steward promote <deployment-id>"))
        #expect(promoteHelp.standardOutput.contains("minimumHealthyTime"))
        for command in ["approve", "pause", "resume", "abort"] {
            let help = try await runCommand(steward, [command, "--help"])
            #expect(help.status == 0, "\(command) --help")
            #expect(help.standardOutput.contains("--output"), "\(command) --help")
        }
        let nowhere = ["--server", "http://127.0.0.1:9"]
        for (arguments, message) in [
            (["promote", "web"], "'web' is not a deployment id; to promote a service give --from <env> --to <env>"),
            (["promote", "web", "--from", "staging"], "--from needs --to <env>"),
            (["promote", "17", "--override-window", "--reason", "x"], "--override-window goes with --from and --to"),
            (["deploy", "web", "1.0", "--env", "production", "--override-window"], "--override-window needs --reason"),
            (["deploy", "web", "1.0", "--env", "production", "--reason", "why"], "--reason goes with --override-window"),
        ] {
            let result = try await runCommand(steward, arguments + nowhere)
            #expect(result.status == 64, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    /// Against a running control plane: `deploy --wait` exits 0 on success and 1 on a failed
    /// deployment (with its reason); a refused request exits 2 with the server's message; a bad
    /// token exits 2; a server that is not running exits 3.
    @Test func deployAgainstARealControlPlane() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]

        let deployed = try await runCommand(
            steward, ["deploy", "web", "--env", "development", "--version", "1.0.0", "--wait"] + client)
        #expect(deployed.status == 0, "\(deployed.standardOutput)\(deployed.standardError)\n\(cluster.logs())")
        #expect(deployed.standardOutput.contains("succeeded"))
        try await cluster.waitForServing(version: "1.0.0")

        let failing = try await runCommand(
            steward,
            ["deploy", "web", "--env", "development", "--version", "2.0.0", "--set", "FAIL_HEALTH=1", "--wait"] + client)
        #expect(failing.status == 1, "\(failing.standardOutput)\(failing.standardError)")
        #expect(failing.standardError.contains("failed"))
        #expect(failing.standardError.contains("not ready within"))
        let serving = try await cluster.waitForServing(version: "1.0.0")
        #expect(serving.allSatisfy { $0.spec.release == 1 })

        // Only one release ever served, so there is nothing to roll back to: the server refuses.
        let refused = try await runCommand(steward, ["rollback", "web", "--env", "development"] + client)
        #expect(refused.status == 2, "\(refused.standardOutput)\(refused.standardError)")
        #expect(refused.standardError.contains("no earlier release to roll back to"))
        #expect(refused.standardError.contains("HTTP 422"))

        let badToken = try await runCommand(
            steward, ["deploy", "web", "--env", "development", "--version", "3.0.0", "--server", cluster.serverURL, "--token", "stw_wrong"])
        #expect(badToken.status == 2, "\(badToken.standardOutput)\(badToken.standardError)")
        #expect(badToken.standardError.contains("invalid token"))
        #expect(badToken.standardError.contains("HTTP 401"))
        // The refused deployment changed nothing.
        #expect(try await cluster.instances().allSatisfy { $0.spec.release == 1 })

        // Nobody listens: exit 3 promptly (a refused connection is an answer, not something to wait out).
        let closedPort = try FreePort.next()
        let clock = ContinuousClock()
        let start = clock.now
        let unreachable = try await runCommand(
            steward, ["status", "--server", "http://127.0.0.1:\(closedPort)", "--token", cluster.adminToken],
            timeout: .seconds(70))
        let elapsed = clock.now - start
        #expect(unreachable.status == 3, "\(unreachable.standardOutput)\(unreachable.standardError)")
        #expect(unreachable.standardError.contains("cannot reach"))
        #expect(elapsed < .seconds(10), "exit 3 took \(elapsed)")
    }

    /// 1-based line and column of `value` on the first line of `text` containing `key`.
    private static func position(of value: String, onLineWith key: String, in text: String) -> (line: Int, column: Int) {
        let lines = text.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(key) }),
            let range = lines[index].range(of: value, range: lines[index].range(of: key)!.lowerBound..<lines[index].endIndex)
        else { return (0, 0) }
        return (index + 1, lines[index].distance(from: lines[index].startIndex, to: range.lowerBound) + 1)
    }
}
