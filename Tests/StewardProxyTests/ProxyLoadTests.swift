import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Changes under continuous concurrent load: a weight flip, an upstream killed.
@Suite struct ProxyLoadTests {
    /// Flipping weights 100/0 → 0/100 → 100/0 while 16 workers send 20,000 requests loses none of them.
    @Test func weightFlipUnderLoadLosesNothing() async throws {
        let bed = try await ProxyTestbed.start()
        let stable = try await TestUpstream.start(name: "stable")
        let canary = try await TestUpstream.start(name: "canary")
        defer {
            stable.stop()
            canary.stop()
        }
        let port = try FreePort.next()
        func table(_ stableWeight: Int) -> RouteTable {
            ProxyTestbed.table(port: port, [
                ReleaseTarget(release: 1, name: "stable", weight: stableWeight, upstreams: [stable.address]),
                ReleaseTarget(release: 2, name: "canary", weight: 100 - stableWeight, upstreams: [canary.address]),
            ])
        }
        try await bed.admin.put(table(100))

        let load = LoadGenerator(total: 20_000)
        async let finished: Void = load.run(client: bed.client, url: "http://127.0.0.1:\(port)/name", workers: 16)
        try await eventually(timeout: .seconds(120), "5,000 requests answered") { load.completed >= 5_000 }
        try await bed.admin.put(table(0))
        let flippedAt = load.perRelease["2"] ?? 0
        try await eventually(timeout: .seconds(120), "the canary to take the traffic") { (load.perRelease["2"] ?? 0) > flippedAt + 1_000 }
        try await bed.admin.put(table(100))
        await finished

        #expect(load.failures.isEmpty, "\(load.failures.prefix(5))")
        #expect(load.completed == 20_000)
        #expect((load.perRelease["1"] ?? 0) + (load.perRelease["2"] ?? 0) == 20_000)
        await bed.shutdown()
    }

    /// An upstream SIGKILLed under load: its in-flight and later idempotent requests go to the others.
    @Test func killedUpstreamLosesNoIdempotentRequest() async throws {
        let bed = try await ProxyTestbed.start()
        let apps = try await (0..<3).asyncMap { _ in try await DemoApp.start(in: bed.directory) }
        defer { apps.forEach { $0.kill() } }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [
            ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: apps.map(\.address)),
        ]))

        let load = LoadGenerator(total: 6_000)
        async let finished: Void = load.run(client: bed.client, url: "http://127.0.0.1:\(port)/api/version", workers: 12)
        try await eventually(timeout: .seconds(120), "1,000 requests answered") { load.completed >= 1_000 }
        apps[0].kill()
        await finished

        #expect(load.failures.isEmpty, "\(load.failures.prefix(5))")
        #expect(load.completed == 6_000)
        let stats = try await bed.admin.send(.GET, "/v1/stats")
        #expect(stats.status == 200)
        #expect(stats.body.contains(#""requests":6000"#))
        // The killed upstream was tried after its death (a refused connection), and that cost no request.
        #expect(!stats.body.contains(#""connectionErrors":0"#))
        await bed.shutdown()
    }
}

/// A real `demo-app` process on a free port.
final class DemoApp: @unchecked Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    var address: String { "127.0.0.1:\(port)" }

    static func start(in directory: TemporaryDirectory) async throws -> DemoApp {
        let port = try FreePort.next()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.buildProductsDirectory() + "/demo-app")
        process.environment = [
            "PORT": "\(port)", "HOST": "127.0.0.1", "APP_VERSION": "1.0.\(port)",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let app = DemoApp(port: port, process: process)
        try await eventually(timeout: .seconds(30), "demo-app to listen on \(port)") { FreePort.isListening(port) }
        return app
    }

    /// SIGKILL, then waits until it is reaped.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
