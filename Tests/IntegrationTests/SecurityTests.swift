import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// The security boundary of real `steward agent` and `steward serve` processes, over real sockets.
@Suite(.serialized)
struct SecurityTests {
    /// Spellings of a path that routers treat alike or that a prefix check would miss.
    static func spellings(_ first: String, _ rest: String) -> [String] {
        [
            "/\(first)/\(rest)", "//\(first)/\(rest)", "/./\(first)/\(rest)", "/\(first)//\(rest)",
            "/\(first)/./\(rest)", "/\(first)%2F\(rest)", "/\(first)/\(rest)/", "/\(first.uppercased())/\(rest.uppercased())",
            "/\(first)/\(rest)?token=x", "/\(first)/\(rest)#x",
        ]
    }

    /// No spelling of an agent route starts a command without the agent's token, and the
    /// control plane's API answers 401 to every spelling too (the `//v1/instances` bypass).
    @Test func unauthenticatedSpellingsAreRefusedOnBothServers() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        let planted = cluster.directory.path + "/pwned"
        let spec = InstanceSpec(
            id: "pwn", service: "pwn", environment: "development", release: 1, version: "1", command: "/bin/sh",
            args: ["-c", "touch \(planted)"])
        let body = String(decoding: try JSONEncoder.steward.encode(spec), as: UTF8.self)
        for target in Self.spellings("v1", "instances/pwn") {
            for headers in [["Content-Type: application/json"], ["Content-Type: application/json", "Authorization: Bearer stw_x"]] {
                let status = try RawHTTP.status(port: cluster.agentPort, method: "PUT", target: target, headers: headers, body: body)
                #expect(status == 401, "agent PUT \(target) \(headers)")
            }
            #expect(try RawHTTP.status(port: cluster.agentPort, method: "GET", target: target) == 401, "agent GET \(target)")
            #expect(try RawHTTP.status(port: cluster.agentPort, method: "DELETE", target: target) == 401, "agent DELETE \(target)")
        }
        for target in Self.spellings("api", "v1/status") + Self.spellings("api", "v1/deployments") {
            #expect(try RawHTTP.status(port: cluster.serverPort, method: "GET", target: target) == 401, "serve GET \(target)")
            let status = try RawHTTP.status(
                port: cluster.serverPort, method: "POST", target: target, headers: ["Content-Type: text/plain"], body: "{}")
            #expect(status == 401, "serve POST \(target)")
        }
        // With the right token, a body a web page could send without a preflight is still refused.
        let status = try RawHTTP.status(
            port: cluster.agentPort, method: "PUT", target: "/v1/instances/pwn",
            headers: ["Content-Type: text/plain", "Authorization: Bearer \(cluster.agentToken)"], body: body)
        #expect(status == 415)
        #expect(try RawHTTP.status(port: cluster.agentPort, method: "GET", target: "/healthz") == 200)
        #expect(!FileManager.default.fileExists(atPath: planted), "the planted command never ran")
    }

    /// A secret's value reaches the instance's environment and nothing else: no API answer (control
    /// plane or agent), no event, no file under the installation, no process's command line.
    @Test func secretCanaryStaysSecret() async throws {
        let canary = "canary-\(UUID().uuidString)"
        let cluster = try await StewardCluster.start(
            webEnvironment: ["CANARY_SECRET": "${secret:CANARY}"], processEnvironment: ["STEWARD_SECRET_CANARY": canary])
        defer { cluster.shutdown() }
        _ = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let instances = try await cluster.waitForServing(version: "1.0.0")

        let pid = try #require(instances.first?.pid)
        let answers = try await SecretSearch.expectOnlyInInstance(canary, pid: pid, cluster: cluster)
        #expect(answers["serve /instances"]?.contains("${secret:CANARY}") == true, "the API shows the reference instead")
    }

    /// The control plane's data directory and the agent's state directory are 0700, every file in them 0600.
    @Test func stateOnDiskIsPrivate() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        _ = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        for directory in [cluster.dataDirectory, cluster.agentStateDirectory] {
            #expect(Self.mode(of: directory) == 0o700, "\(directory)")
            for path in Self.paths(under: directory) {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                #expect(Self.mode(of: path) == (isDirectory.boolValue ? 0o700 : 0o600), "\(path)")
            }
        }
    }

    static func mode(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    static func paths(under directory: String) -> [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    static func files(under directory: String) -> [String] {
        paths(under: directory).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }
}
