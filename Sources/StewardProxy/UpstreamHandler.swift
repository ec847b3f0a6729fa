import NIOCore

/// The end of an upstream connection: parses the answers (``HTTPHeadParser``, ``BodyFramer``) and
/// hands their parts to the client connection that owns it for the current exchange, and reads
/// only while that client can take more (backpressure).
///
/// Between exchanges (idle in the pool) it has no owner and reads freely, so a close is noticed;
/// bytes an idle upstream sends unasked close the connection.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The client connection served by the current exchange.
    ///
    /// Strong, not weak: every exchange's end (``ProxyServerHandler`` finishing, failing, or its
    /// client leaving) sets it back to nil, and a weakly referenced handler would pay for the side
    /// table on each of its many retains.
    var owner: ProxyServerHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false
    /// Bytes received and not yet handed on (part of a head).
    private var inbound: ByteBuffer?
    /// The body of the answer being received (nil: the next bytes are a head).
    private var body: BodyFramer?
    private var bodyRunsUntilClose = false
    private var requestMethodIsHEAD = false
    private var answerKeepsAlive = true
    /// The last answer ended cleanly, nothing after it, and the upstream keeps the connection: it
    /// may carry another request.
    private(set) var isReusable = true
    /// The connection has not closed.
    private(set) var isOpen = true

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Readies the connection for an exchange whose request is HEAD or not (a HEAD's answer has no body).
    func begin(requestMethodIsHEAD: Bool) {
        self.requestMethodIsHEAD = requestMethodIsHEAD
        inbound = nil
        body = nil
        bodyRunsUntilClose = false
        answerKeepsAlive = true
        isReusable = false  // until the answer ends cleanly
    }

    /// Writes bytes of the request (flushed by ``flush()``).
    func send(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    func flush() { context?.flush() }

    /// Writes bytes of the request and flushes them.
    func sendAndFlush(_ bytes: ByteBuffer) {
        context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// Whether the upstream can take more request bytes now.
    var isWritable: Bool { context?.channel.isWritable ?? false }

    /// Reads again after the client connection drained what it was given.
    func resumeReading() {
        guard readPending else { return }
        readPending = false
        context?.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard owner != nil else {
            // Nothing was asked of an idle connection: what it says cannot be placed.
            isReusable = false
            context.close(promise: nil)
            return
        }
        if var buffer = inbound.take() {
            buffer.writeImmutableBuffer(bytes)
            inbound = buffer
        } else {
            inbound = bytes
        }
        do {
            try handOn()
        } catch {
            fail(error, context: context)
        }
    }

    /// Hands the parts of the answer that came on to the owner, up to the answer's end.
    private func handOn() throws {
        while let owner, var buffer = inbound.take() {
            if var framer = body {
                let (part, ended) = try framer.nextPart(from: &buffer)
                body = ended ? nil : framer
                inbound = buffer.readableBytes > 0 ? buffer : nil
                if let part { owner.upstreamReceived(.body(part)) }
                if ended { return end(owner) }
                if part == nil { return }
            } else {
                let parsed = try HTTPHeadParser.parseResponse(&buffer, requestMethodIsHEAD: requestMethodIsHEAD)
                inbound = buffer.readableBytes > 0 ? buffer : nil
                guard let head = parsed else { return }
                if head.isInterim {
                    owner.upstreamReceived(.interim(head))
                    continue
                }
                // Upgrade is hop-by-hop and never asked for: a switch of protocols cannot be followed.
                guard head.status != 101 else { throw HTTPHeadError.badStatusLine }
                answerKeepsAlive = head.isKeepAlive
                owner.upstreamReceived(.head(head))
                if head.framing == .none { return end(owner) }
                body = BodyFramer(head.framing)
                bodyRunsUntilClose = head.framing == .untilClose
            }
        }
    }

    private func end(_ owner: ProxyServerHandler) {
        // Bytes after the answer's end were not asked for: the connection is not reused.
        isReusable = answerKeepsAlive && inbound == nil
        inbound = nil
        owner.upstreamReceived(.end)
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
        isOpen = false
        let owner = self.owner
        if let owner, body != nil, bodyRunsUntilClose {
            // The close is the end of this answer.
            body = nil
            answerKeepsAlive = false
            end(owner)
        } else {
            self.owner = nil
            owner?.upstreamFailed(ChannelError.eof)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        let owner = self.owner
        self.owner = nil
        isReusable = false
        inbound = nil
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
