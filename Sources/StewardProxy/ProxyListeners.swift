import NIOCore
import NIOPosix

/// The data plane's listening sockets, one per route's `listenPort`.
///
/// Closing a listener stops new connections only; connections already accepted finish their requests.
actor ProxyListeners {
    private let host: String
    private let engine: ProxyEngine
    private let group: any EventLoopGroup
    private var channels: [Int: any Channel] = [:]

    init(host: String, engine: ProxyEngine, group: any EventLoopGroup) {
        self.host = host
        self.engine = engine
        self.group = group
    }

    /// The ports listened on now.
    var ports: Set<Int> { Set(channels.keys) }

    /// Opens a listener on each port of `ports` not yet listened on.
    ///
    /// - Returns: the ports it opened (for ``close(_:)`` if what follows fails).
    /// - Throws: when a port cannot be bound; the listeners this call opened are closed again.
    func open(_ ports: Set<Int>) async throws -> Set<Int> {
        var opened: Set<Int> = []
        do {
            for port in ports.subtracting(channels.keys).sorted() {
                channels[port] = try await bind(port)
                opened.insert(port)
            }
        } catch {
            await close(opened)
            throw error
        }
        return opened
    }

    /// Closes the listeners on `ports`.
    func close(_ ports: Set<Int>) async {
        for port in ports {
            guard let channel = channels.removeValue(forKey: port) else { continue }
            try? await channel.close()
        }
    }

    private func bind(_ port: Int) async throws -> any Channel {
        let engine = self.engine
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No HTTP codec: ProxyServerHandler parses request heads from the bytes
                    // (HTTPHeadParser), forwards the header lines as they came and bodies as they are
                    // framed, keeps pipelined requests in order and answers malformed ones with 400.
                    try channel.pipeline.syncOperations.addHandler(ProxyServerHandler(listenPort: port, engine: engine))
                }
            }
            .bind(host: host, port: port)
            .get()
    }
}
