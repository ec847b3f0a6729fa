import Foundation
#if canImport(Glibc)
import Glibc
#endif
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Runbook command steps running real processes.
@Suite struct RunbookRunnerCommandTests {
    let runner = RunbookStepRunner()

    func run(
        _ argv: [String], environment: [String: String] = [:], in directory: String? = nil, timeout: Duration = .seconds(10)
    ) async -> RunbookStepResult {
        await runner.command(argv, environment: environment, workingDirectory: directory, timeout: timeout)
    }

    /// Exit 0 succeeds; stdout and stderr come back together, in the order they were written.
    @Test func successCapturesOutputInOrder() async {
        let result = await run(["/bin/sh", "-c", "echo one; echo two >&2; echo three"])
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.exitCode == 0)
        #expect(result.output == "one\ntwo\nthree\n")
        #expect(result.error == nil)
    }

    /// A non-zero exit fails with its code, the output, and an error naming the command and status.
    @Test func nonZeroExitFails() async {
        let result = await run(["sh", "-c", "echo 'replica is behind' >&2; exit 3"])
        #expect(!result.succeeded)
        #expect(result.exitCode == 3)
        #expect(result.output == "replica is behind\n")
        #expect(result.error == "sh exited with status 3")
    }

    /// argv[0] is found on the environment's PATH; the command gets that environment and nothing else
    /// of this process (PATH is added only when the environment has none).
    @Test func environmentAndPathLookup() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-runbook-command")
        defer { directory.remove() }
        // A link, not a script written here: a file just written can be "busy" while tests spawn in parallel.
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/steward-env", withDestinationPath: "/usr/bin/env")
        let path = "\(directory.path):/usr/bin:/bin"

        let found = await run(["steward-env"], environment: ["PATH": path, "GREETING": "hello"])
        #expect(found.succeeded, "\(found.error ?? "")")
        #expect(Set(found.output.split(separator: "\n")) == ["PATH=\(path)", "GREETING=hello"])

        let notOnProcessPath = await run(["steward-env"], environment: ["GREETING": "hello"])
        #expect(!notOnProcessPath.succeeded)
        #expect(notOnProcessPath.error == "command not found: steward-env")
        #expect(notOnProcessPath.exitCode == nil)

        let environment = await run(["env"], environment: ["ONLY_THIS": "1"])
        let lines = Set(environment.output.split(separator: "\n").map(String.init))
        #expect(lines.contains("ONLY_THIS=1"))
        #expect(lines.contains { $0.hasPrefix("PATH=") })
        #expect(lines.count == 2, "inherited more than PATH: \(lines.sorted())")
    }

    /// The working directory is used, and one that does not exist fails before anything runs.
    @Test func workingDirectory() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-runbook-cwd")
        defer { directory.remove() }
        let result = await run(["/bin/pwd"], in: directory.path)
        #expect(result.succeeded)
        let printed = URL(fileURLWithPath: result.output.trimmingCharacters(in: .newlines)).resolvingSymlinksInPath().path
        #expect(printed == URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path)

        let missing = await run(["/bin/pwd"], in: directory.path + "/nope")
        #expect(!missing.succeeded)
        #expect(missing.error == "working directory \(directory.path)/nope does not exist")
    }

    /// A timeout longer than any clock holds ("forever") runs the command normally.
    @Test func hugeTimeoutDoesNotTrap() async {
        let result = await run(["true"], timeout: .seconds(Int64.max))
        #expect(result.succeeded, "\(result.error ?? "")")
    }

    /// An empty argv fails clearly.
    @Test func emptyCommandFails() async {
        let result = await run([])
        #expect(!result.succeeded)
        #expect(result.error == "no command given")
    }

    /// At the timeout the group gets SIGTERM: the command and what it started are gone and reaped
    /// when the result comes back; what it printed is kept.
    @Test func timeoutStopsTheProcessGroup() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-runbook-timeout")
        defer { directory.remove() }
        let (pidFile, childFile) = (directory.path + "/pid", directory.path + "/child")
        let script = "sleep 30 & echo $! > \(childFile); echo $$ > \(pidFile); echo started; exec sleep 30"
        let started = ContinuousClock.now
        let result = await run(["/bin/sh", "-c", script], timeout: .milliseconds(300))
        #expect(!result.succeeded)
        #expect(result.error == "timed out after 300ms running /bin/sh; stopped it", "\(result.error ?? "")")
        #expect(result.exitCode == nil)
        #expect(result.output == "started\n")
        // SIGTERM ends sleep at once: no need to wait for the 2 s grace.
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
        try await Self.expectGone(pidFile: pidFile, childFile: childFile)
    }

    /// A command that ignores SIGTERM gets SIGKILL after the 2 s grace period.
    @Test func timeoutKillsWhatIgnoresSIGTERM() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-runbook-stubborn")
        defer { directory.remove() }
        let (pidFile, childFile) = (directory.path + "/pid", directory.path + "/child")
        // An ignored signal stays ignored in children: both the shell and its sleep shrug SIGTERM off.
        let script = "trap '' TERM; sleep 30 & echo $! > \(childFile); echo $$ > \(pidFile); wait"
        let started = ContinuousClock.now
        let result = await run(["/bin/sh", "-c", script], timeout: .milliseconds(200))
        let elapsed = ContinuousClock.now - started
        #expect(!result.succeeded)
        #expect(result.error?.hasPrefix("timed out after 200ms") == true, "\(result.error ?? "")")
        #expect(elapsed >= .milliseconds(2200) && elapsed < .seconds(20), "took \(elapsed)")
        try await Self.expectGone(pidFile: pidFile, childFile: childFile)
    }

    /// Output is bounded: the end is kept under a mark counting every byte cut.
    @Test func outputIsBounded() async {
        let result = await run(["/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; echo; echo END"])
        #expect(result.succeeded)
        #expect(result.output.utf8.count <= RunbookStepResult.outputLimit)
        #expect(result.output.hasSuffix("xxx\nEND\n"))
        let (cut, kept) = Self.cutMark(result.output)
        #expect(cut + kept == 100_005, "cut \(cut) + kept \(kept)")
    }

    /// The number in "[… N bytes cut]\n" and the bytes after the mark.
    static func cutMark(_ output: String) -> (cut: Int, kept: Int) {
        guard output.hasPrefix("[… "), let newline = output.firstIndex(of: "\n") else { return (0, output.utf8.count) }
        let number = output[output.index(output.startIndex, offsetBy: 3)...].prefix { $0.isNumber }
        return (Int(number) ?? -1, output[output.index(after: newline)...].utf8.count)
    }

    /// The shell (a direct child: reaped, not even a zombie) and its background sleep are gone.
    static func expectGone(pidFile: String, childFile: String) async throws {
        func number(in file: String) throws -> Int32 {
            try #require(Int32(String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let pid = try number(in: pidFile)
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        let child = try number(in: childFile)
        // The grandchild got the group's SIGKILL; someone else reaps it, so a zombie counts as gone.
        try await eventually(timeout: .seconds(5), "the background sleep \(child) is dead") {
            ProbeExecTests.isDeadOrZombie(child)
        }
    }
}
