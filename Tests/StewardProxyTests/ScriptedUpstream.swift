import NIOCore
import NIOPosix
import StewardTesting
import Synchronization

/// An upstream that answers with bytes a test writes, byte for byte: framings a well-behaved
/// server library would not produce (a body until the close, interim answers), and a record of
/// the bytes the proxy sent.
final class ScriptedUpstream: Sendable {
    /// What to do with the bytes received since the last answer: wait for more (nil), or answer
    /// with `bytes` and then keep or close the connection.
    typealias Script = @Sendable (_ received: String) -> (bytes: String, close: Bool)?

    let port: Int
    private let channel: any Channel
    private let log: Log

    var address: String { "127.0.0.1:\(port)" }
    /// Every byte received, all connections, in order of arrival.
    var received: String { log.text.withLock { $0 } }

    private init(port: Int, channel: any Channel, log: Log) {
        self.port = port
        self.channel = channel
        self.log = log
    }

    static func start(_ script: @escaping Script) async throws -> ScriptedUpstream {
        let port = try FreePort.next()
        let log = Log()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Answerer(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return ScriptedUpstream(port: port, channel: channel, log: log)
    }

    func stop() { channel.close(promise: nil) }

    final class Log: Sendable {
        let text = Mutex("")
    }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let script: Script
        let log: Log
        var pending = ""

        init(script: @escaping Script, log: Log) {
            self.script = script
            self.log = log
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let text = String(buffer: unwrapInboundIn(data))
            log.text.withLock { $0 += text }
            pending += text
            guard let (bytes, close) = script(pending) else { return }
            pending = ""
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: bytes)), promise: nil)
            if close { context.close(promise: nil) }
        }
    }
}
