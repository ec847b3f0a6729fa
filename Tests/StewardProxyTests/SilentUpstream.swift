import NIOCore
import NIOPosix
import StewardTesting
import Synchronization

/// An upstream that accepts connections and reads requests but never answers, until the test
/// closes every connection: an instance shutting down with a request on its way.
final class SilentUpstream: Sendable {
    let port: Int
    private let channel: any Channel
    private let accepted: Accepted

    var address: String { "127.0.0.1:\(port)" }
    /// Connections on which request bytes arrived.
    var requests: Int { accepted.requests.load(ordering: .relaxed) }

    private init(port: Int, channel: any Channel, accepted: Accepted) {
        self.port = port
        self.channel = channel
        self.accepted = accepted
    }

    static func start() async throws -> SilentUpstream {
        let port = try FreePort.next()
        let accepted = Accepted()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.add(channel)
                return channel.pipeline.addHandler(Swallow(accepted: accepted))
            }
            .bind(host: "127.0.0.1", port: port).get()
        return SilentUpstream(port: port, channel: channel, accepted: accepted)
    }

    /// Closes every accepted connection without a byte of answer.
    func closeConnections() { accepted.closeAll() }

    func stop() {
        closeConnections()
        channel.close(promise: nil)
    }

    final class Accepted: Sendable {
        let requests = Atomic<Int>(0)
        private let channels = Mutex<[any Channel]>([])

        func add(_ channel: any Channel) { channels.withLock { $0.append(channel) } }

        func closeAll() {
            for channel in channels.withLock({ $0 }) { channel.close(promise: nil) }
        }
    }

    /// Reads and drops whatever comes; counts the connections that sent something.
    private final class Swallow: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let accepted: Accepted
        init(accepted: Accepted) { self.accepted = accepted }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            accepted.requests.add(1, ordering: .relaxed)
        }
    }
}
