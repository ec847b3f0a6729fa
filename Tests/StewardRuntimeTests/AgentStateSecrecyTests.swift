import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Secrets in instance specs stay out of files in clear, out of answers, and out of other users' reach.
@Suite(.serialized)
struct AgentStateSecrecyTests {
    typealias F = SupervisorFixtures

    /// The state directory and its subdirectories are 0700 and every file 0600; `spec.json` does
    /// not hold a planted env value or probe password in clear (yet reads back), and neither the
    /// snapshot nor a start's answer shows them.
    @Test func stateIsPrivateAndSecretsAreNotInClear() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-secrets")
        defer { directory.remove() }
        let envCanary = "env-canary-\(UUID().uuidString)"
        let passwordCanary = "pw-canary-\(UUID().uuidString)"
        let supervisor = try F.makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        // Nothing listens on port 1: the probe fails, and its message must not carry the password either.
        let readiness = ProbeSpec(
            check: .postgres(url: "postgres://app:\(passwordCanary)@127.0.0.1:1/app"), interval: .milliseconds(100),
            timeout: .milliseconds(500))
        let answer = try await supervisor.ensureRunning(
            F.spec("s-0", "echo started; exec sleep 300", readiness: readiness, env: ["DB_PASSWORD": envCanary]))
        try await eventually("a probe result is recorded") { await supervisor.status(of: "s-0")?.lastProbe != nil }

        let snapshot = String(decoding: try JSONEncoder.steward.encode(await supervisor.snapshot()), as: UTF8.self)
        let started = String(decoding: try JSONEncoder.steward.encode(answer), as: UTF8.self)
        for text in [snapshot, started] {
            #expect(!text.contains(envCanary))
            #expect(!text.contains(passwordCanary))
        }
        #expect(snapshot.contains("DB_PASSWORD"))
        #expect(snapshot.contains(InstanceSpec.redactedValue))
        #expect(snapshot.contains("app:***@127.0.0.1"))

        #expect(try mode(of: directory.path) == 0o700)
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory.path))
        var files = 0
        while let name = enumerator.nextObject() as? String {
            let path = directory.path + "/" + name
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            #expect(try mode(of: path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(name)")
            if !isDirectory.boolValue {
                files += 1
                let data = try #require(FileManager.default.contents(atPath: path))
                #expect(data.range(of: Data(envCanary.utf8)) == nil, "\(name) holds the env value in clear")
                #expect(data.range(of: Data(passwordCanary.utf8)) == nil, "\(name) holds the probe password in clear")
            }
        }
        #expect(files >= 5)  // agent-id, spec.key, spec.json, process.json, output.log
        #expect(supervisor.files.readSpec("s-0")?.env["DB_PASSWORD"] == envCanary)
        await supervisor.stopAll()
    }

    /// Redaction hides env values, header values and URL passwords, also in URLs that do not parse.
    @Test func redactedViewHidesSecrets() {
        var spec = F.spec("v-0", "true", env: ["TOKEN": "t0p"])
        spec.readiness = ProbeSpec(check: .redis(url: "redis://:p#w/rd@cache:6379/0"))
        spec.liveness = ProbeSpec(check: .http(.init(path: "/h", headers: ["Authorization": "Bearer abc"])))
        let redacted = spec.redacted()
        #expect(redacted.env == ["TOKEN": InstanceSpec.redactedValue])
        #expect(redacted.readiness?.check == .redis(url: "redis://:***@cache:6379/0"))
        #expect(redacted.liveness?.check == .http(.init(path: "/h", headers: ["Authorization": InstanceSpec.redactedValue])))
        #expect(redacted.args == spec.args)
    }

    func mode(of path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return Int(info.st_mode) & 0o777
    }
}
