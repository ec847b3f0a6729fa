import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import StewardHTTP

/// The `steward proxy` process: restores the saved table, opens its listeners, serves the admin API.
///
/// Runs until SIGTERM or SIGINT. Nothing here depends on the control plane or the agent being up:
/// traffic keeps flowing through their restarts.
public enum ProxyServer {
    /// Serves until a termination signal.
    ///
    /// - Parameters:
    ///   - stateDirectory: where the token and the table live (created 0700).
    ///   - host: the address the admin API and the listeners bind.
    ///   - adminPort: the admin API's port (no route may take it).
    ///   - eventLoops: how many event loops (threads) carry the traffic and the admin API; `nil`
    ///     for NIO's shared group, one per core. Each loop plays the part of one nginx worker.
    ///   - announce: told once the admin API listens: where, and which routes were restored.
    public static func run(
        stateDirectory: String, host: String, adminPort: Int, eventLoops: Int? = nil, logger: Logger,
        announce: @escaping @Sendable (String) -> Void
    ) async throws {
        let ownGroup = eventLoops.map { MultiThreadedEventLoopGroup(numberOfThreads: max($0, 1)) }
        defer { ownGroup?.shutdownGracefully { _ in } }
        let group = ownGroup ?? MultiThreadedEventLoopGroup.singleton
        let directory = try ProxyStateDirectory(path: stateDirectory)
        let token = try directory.loadOrCreateToken()
        let engine = ProxyEngine()
        let controller = ProxyController(
            engine: engine, directory: directory, host: host, reservedPorts: [adminPort],
            group: group)
        try await controller.restore()
        let ports = engine.traffic.table.routes.map { "\($0.key) on :\($0.listenPort)" }
        let app = Application(
            router: ProxyAdminRoutes.router(controller: controller, token: token),
            configuration: .init(address: .hostname(host, port: adminPort), serverName: "steward-proxy"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? adminPort
                announce(
                    "steward proxy admin API on http://\(host):\(port) (token in \(directory.tokenPath)); routes: \(ports.isEmpty ? "none" : ports.joined(separator: ", "))")
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger
        )
        do {
            try await app.runService()
        } catch {
            await controller.closeListeners()
            throw error
        }
        await controller.closeListeners()
    }
}
