import Foundation
import NIOCore
import NIOHTTP1

/// One client connection of a route's listener: chooses a release and an upstream per request and
/// streams the request up and the answer back, part by part.
///
/// Backpressure both ways: the client is read only while the upstream can take more, and the
/// upstream only while the client can (``UpstreamHandler``). Nothing waits for a whole body.
///
/// Pipelined requests are answered in order: the parts of a request that arrives while another is
/// still being answered wait in ``queued`` (and the client is not read meanwhile) until that answer
/// ends. Between requests the client stays readable, so the usual request/answer turn costs no
/// change of epoll interest.
final class ProxyServerHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let listenPort: Int
    private let engine: ProxyEngine
    private var context: ChannelHandlerContext?
    private var exchange: ProxyExchange?
    private var readPending = false
    private var upstreamNeedsFlush = false
    /// The request was answered here (503, 502): the rest of its body is dropped.
    private var discardingBody = false
    private var closeAfterResponse = false
    /// The client's address for `X-Forwarded-For`, formatted once per connection.
    private lazy var clientAddress: String? = context?.channel.remoteAddress?.ipAddress
    /// Draws and request identifiers for this connection's requests.
    private var random = ConnectionRandom()
    /// Parts of pipelined requests that came while an earlier request was still being answered.
    private var queued: [HTTPServerRequestPart] = []

    init(listenPort: Int, engine: ProxyEngine) {
        self.listenPort = listenPort
        self.engine = engine
    }

    var downstreamWritable: Bool { context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: - From the client

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !queued.isEmpty || (exchange != nil && part.isHead) {
            queued.append(part)  // a pipelined request: it waits for the answer in progress
        } else {
            handle(part, context: context)
        }
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            start(head, context: context)
        case .body(let buffer):
            forward(.body(.byteBuffer(buffer)))
        case .end(let trailers):
            if discardingBody {
                discardingBody = false
                return
            }
            exchange?.requestEnded = true
            forward(.end(trailers))
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.connection?.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !queued.isEmpty {
            readPending = true  // pipelined requests wait: read no more until they are served
        } else if let exchange, !(exchange.connection?.isWritable ?? false), !exchange.requestEnded {
            readPending = true  // no upstream yet, or it is full
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.connection?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        queued = []
        // The client left: its upstream connection is in an unknown state, so it is not reused.
        if let exchange {
            self.exchange = nil
            exchange.connection?.owner = nil
            exchange.channel?.close(promise: nil)
            engine.traffic.finish(exchange.upstream)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func start(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard exchange == nil else { return }  // channelRead queues a head that comes during an exchange
        closeAfterResponse = !head.isKeepAlive
        guard let served = engine.traffic.route(listeningOn: listenPort) else {
            return answer(.serviceUnavailable, "no route listens on port \(listenPort)")
        }
        let choice = RoutePicker.chooseRelease(
            in: served.route, header: head.headers.first(name: RoutePicker.overrideHeader),
            cookie: RoutePicker.cookie(RoutePicker.stickyCookie, in: head.headers.first(name: "cookie")),
            draw: Double.random(in: 0..<1, using: &random))
        guard case .release(let release, let reason) = choice, let upstream = engine.traffic.begin(release) else {
            engine.stats.recordUnavailable(route: served.key)
            if case .unavailable(let why) = choice { return answer(.serviceUnavailable, why) }
            return answer(.serviceUnavailable, "no upstream of \(served.key) can take the request")
        }
        let setCookie =
            served.route.sticky == true && reason != .cookie
            ? "\(RoutePicker.stickyCookie)=\(release.release); Path=/; HttpOnly; SameSite=Lax" : nil
        let exchange = ProxyExchange(
            route: served.key, release: release, reason: reason, upstream: upstream,
            head: ForwardedHeaders.upstreamRequest(head, clientAddress: clientAddress, random: &random),
            setCookie: setCookie)
        self.exchange = exchange
        connect(exchange)
    }

    private func forward(_ part: HTTPClientRequestPart) {
        guard !discardingBody, let exchange else { return }
        if let connection = exchange.connection, exchange.pending.isEmpty {
            if case .body = part { exchange.bodySent = true }
            connection.send(part)
            upstreamNeedsFlush = true
        } else {
            exchange.pending.append(part)
        }
    }

    // MARK: - To the upstream

    private func connect(_ exchange: ProxyExchange) {
        guard let context else { return }
        // Usually an idle connection is at hand: no future, no callback.
        if let channel = engine.pool.takeIdle(exchange.upstream, on: context.eventLoop) {
            return connected(exchange, channel)
        }
        engine.pool.acquire(exchange.upstream, on: context.eventLoop).assumeIsolated().whenComplete { result in
            guard self.exchange === exchange else {
                // The client left while connecting.
                if case .success(let (channel, _)) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .failure:
                self.upstreamLost(exchange, connectFailed: true)
            case .success(let (channel, _)):
                self.connected(exchange, channel)
            }
        }
    }

    /// The exchange has its upstream connection: what waited for it goes out.
    private func connected(_ exchange: ProxyExchange, _ channel: any Channel) {
        guard let connection = try? channel.pipeline.syncOperations.handler(type: UpstreamHandler.self) else {
            channel.close(promise: nil)
            return upstreamLost(exchange, connectFailed: true)
        }
        exchange.channel = channel
        exchange.connection = connection
        connection.owner = self
        exchange.sendPending()
        resumeClientReads()
    }

    /// The upstream connection failed or closed before the answer ended: retry once (another
    /// upstream, or the release that took over when this one left the route), or answer 502.
    private func upstreamLost(_ exchange: ProxyExchange, connectFailed: Bool) {
        engine.stats.recordConnectionError(route: exchange.route, release: exchange.release.release)
        if connectFailed { engine.traffic.markFailed(exchange.upstream) }
        exchange.connection?.owner = nil
        exchange.channel?.close(promise: nil)
        exchange.connection = nil
        exchange.channel = nil
        engine.traffic.finish(exchange.upstream)

        exchange.tried.insert(exchange.upstream)
        if exchange.mayRetry(connectFailed: connectFailed),
            let release = RoutePicker.retryRelease(
                after: exchange.release, reason: exchange.reason, in: engine.traffic.route(listeningOn: listenPort)?.route,
                draw: Double.random(in: 0..<1, using: &random)),
            let next = engine.traffic.begin(release, excluding: exchange.tried)
        {
            exchange.attempts += 1
            exchange.release = release
            exchange.upstream = next
            exchange.tried.insert(next)
            if !connectFailed {
                // Only the head (and the end) went out; send them again.
                exchange.pending = [.head(exchange.head)] + (exchange.requestEnded ? [.end(nil)] : [])
            }
            return connect(exchange)
        }
        self.exchange = nil
        engine.stats.recordRequest(
            route: exchange.route, release: exchange.release.release, status: 502,
            microseconds: exchange.elapsedMicroseconds)
        if exchange.responseStarted {
            queued = []
            context?.close(promise: nil)  // part of the answer is out: only a close tells the client
        } else {
            discardingBody = !exchange.requestEnded
            answer(.badGateway, "the upstream of \(exchange.route) release \(exchange.release.release) did not answer")
        }
    }

    // MARK: - From the upstream

    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard let exchange, let context else { return }
        switch part {
        case .head(let head):
            exchange.responseStarted = true
            exchange.status = Int(head.status.code)
            exchange.upstreamKeepAlive = head.isKeepAlive
            var headers = ForwardedHeaders.endToEnd(head.headers)
            headers.replaceOrAdd(name: RoutePicker.overrideHeader, value: String(exchange.release.release))
            if let cookie = exchange.setCookie { headers.add(name: "Set-Cookie", value: cookie) }
            if closeAfterResponse { headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: head.status, headers: headers))), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
            finish(exchange)
        }
    }

    func upstreamReadComplete() { context?.flush() }

    func upstreamBecameWritable() { resumeClientReads() }

    func upstreamFailed(_ error: any Error) {
        guard let exchange else { return }
        upstreamLost(exchange, connectFailed: false)
    }

    private func finish(_ exchange: ProxyExchange) {
        self.exchange = nil
        exchange.connection?.owner = nil
        engine.traffic.finish(exchange.upstream)
        engine.stats.recordRequest(
            route: exchange.route, release: exchange.release.release, status: exchange.status,
            microseconds: exchange.elapsedMicroseconds)
        if let channel = exchange.channel {
            // A drained upstream (no longer in the table) gets its connection closed, not pooled.
            if exchange.upstreamKeepAlive && exchange.requestEnded && engine.traffic.isServing(exchange.upstream) {
                engine.pool.release(channel, upstream: exchange.upstream)
            } else {
                channel.close(promise: nil)
            }
        }
        if closeAfterResponse || !exchange.requestEnded {
            queued = []
            context?.close(promise: nil)
        } else {
            servePipelined()
            resumeClientReads()
        }
    }

    /// Starts the pipelined requests that waited, in order, until one of them is in progress.
    private func servePipelined() {
        guard let context, !queued.isEmpty else { return }
        while let part = queued.first, exchange == nil || !part.isHead {
            queued.removeFirst()
            handle(part, context: context)
        }
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.connection?.flush()
        }
    }

    private func resumeClientReads() {
        guard readPending, queued.isEmpty, let context else { return }
        readPending = false
        context.read()
    }

    // MARK: - Answers of the proxy itself

    /// Answers with a JSON error body `{"error": {"status", "message"}}`.
    private func answer(_ status: HTTPResponseStatus, _ message: String) {
        guard let context else { return }
        let body = ErrorBody(error: .init(status: Int(status.code), message: message))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(data.count))
        if closeAfterResponse { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: data)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if closeAfterResponse {
            queued = []
            context.close(promise: nil)
        }
        // A request still sending its body is read (and dropped) to its end.
        if queued.isEmpty && (discardingBody || readPending) {
            readPending = false
            context.read()
        }
    }

    private struct ErrorBody: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
        }
        var error: Inner
    }
}

@available(*, unavailable)
extension ProxyServerHandler: Sendable {}

extension HTTPServerRequestPart {
    fileprivate var isHead: Bool {
        if case .head = self { return true }
        return false
    }
}
