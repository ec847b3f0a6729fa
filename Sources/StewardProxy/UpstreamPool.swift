import NIOCore
import NIOPosix
import Synchronization

/// Keep-alive connections to upstreams, reused request after request.
///
/// A connection belongs to one event loop: the loop of the client connection that opened it, so a
/// client connection and its upstream connection never hop threads. Idle connections are kept per
/// (event loop, upstream); one that closes while idle leaves the pool by itself.
final class UpstreamPool: Sendable {
    private struct Key: Hashable {
        var loop: ObjectIdentifier
        var upstream: String
    }

    private let idle = Mutex<[Key: [any Channel]]>([:])
    /// Idle connections kept per (event loop, upstream); more are closed.
    let maximumIdle: Int
    let connectTimeout: TimeAmount

    init(maximumIdle: Int = 64, connectTimeout: TimeAmount = .seconds(3)) {
        self.maximumIdle = maximumIdle
        self.connectTimeout = connectTimeout
    }

    /// An open connection to `upstream` on `loop`: an idle one, or a new one.
    ///
    /// - Returns: the connection and whether it was reused (a reused one may have been closed by the
    ///   upstream an instant ago).
    func acquire(_ upstream: String, on loop: any EventLoop) -> EventLoopFuture<(any Channel, reused: Bool)> {
        if let pooled = takeIdle(upstream, on: loop) { return loop.makeSucceededFuture((pooled, reused: true)) }
        let key = Key(loop: ObjectIdentifier(loop), upstream: upstream)
        guard let address = Upstream(upstream) else {
            return loop.makeFailedFuture(ChannelError.badInterfaceAddressFamily)
        }
        return ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No HTTP codec: UpstreamHandler reads the answers' heads from the bytes and
                    // passes them on rewritten, their bodies as they came.
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
            .connect(host: address.host, port: address.port)
            .map { channel in
                // Registered once per connection: a pooled connection the upstream closes leaves the pool.
                // The pool lives as long as the engine: held strongly, it is retained without the side
                // table a weak reference would give it.
                channel.closeFuture.whenComplete { _ in self.forget(channel, key: key) }
                return (channel, reused: false)
            }
    }

    /// An idle open connection to `upstream` on `loop`, if the pool has one: the usual case, taken
    /// without a future (a reused one may have been closed by the upstream an instant ago).
    func takeIdle(_ upstream: String, on loop: any EventLoop) -> (any Channel)? {
        let key = Key(loop: ObjectIdentifier(loop), upstream: upstream)
        return idle.withLock { idle in
            while var channels = idle[key], let channel = channels.popLast() {
                idle[key] = channels.isEmpty ? nil : channels
                if channel.isActive { return channel }
            }
            return nil
        }
    }

    /// Returns a connection whose last exchange ended cleanly; closes it when the pool is full.
    func release(_ channel: any Channel, upstream: String) {
        let key = Key(loop: ObjectIdentifier(channel.eventLoop), upstream: upstream)
        let kept = idle.withLock { idle in
            guard channel.isActive, idle[key, default: []].count < maximumIdle else { return false }
            idle[key, default: []].append(channel)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Closes the idle connections of upstreams for which `keep` is false (drained upstreams).
    func closeIdle(where drop: (String) -> Bool) {
        let closing: [any Channel] = idle.withLock { idle in
            var closing: [any Channel] = []
            for (key, channels) in idle where drop(key.upstream) {
                closing += channels
                idle[key] = nil
            }
            return closing
        }
        closing.forEach { $0.close(promise: nil) }
    }

    private func forget(_ channel: any Channel, key: Key) {
        idle.withLock { idle in
            idle[key]?.removeAll { $0 === channel }
            if idle[key]?.isEmpty == true { idle[key] = nil }
        }
    }
}
