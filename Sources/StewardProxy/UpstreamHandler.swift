import NIOCore
import NIOHTTP1

/// The end of an upstream connection: hands answers to the client connection that owns it for the
/// current exchange, and reads only while that client can take more (backpressure).
///
/// Between exchanges (idle in the pool) it has no owner and reads freely, so a close is noticed.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The client connection served by the current exchange.
    weak var owner: ProxyServerHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes one part of the request (flushed by ``flush()``).
    func send(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() { context?.flush() }

    /// Whether the upstream can take more request bytes now.
    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Reads again after the client connection drained what it was given.
    func resumeReading() {
        guard readPending else { return }
        readPending = false
        context?.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let owner else { return }  // nothing is asked of an idle connection
        owner.upstreamReceived(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { owner?.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let owner = self.owner
        self.owner = nil
        owner?.upstreamFailed(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let owner = self.owner
        self.owner = nil
        owner?.upstreamFailed(error)
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if let owner, !owner.downstreamWritable {
            readPending = true
        } else {
            context.read()
        }
    }
}

@available(*, unavailable)
extension UpstreamHandler: Sendable {}
