import NIOCore

/// One client connection of a route's listener: parses requests straight from the bytes
/// (``HTTPHeadParser``, ``BodyFramer``), chooses a release and an upstream per request, and streams
/// the request up and the answer back, part by part.
///
/// Backpressure both ways: the client is read only while the upstream can take more, and the
/// upstream only while the client can (``UpstreamHandler``). Nothing waits for a whole body.
///
/// Pipelined requests are answered in order: bytes of a request that arrives while another is
/// still being answered wait in the ``RequestReader`` (and the client is not read meanwhile) until
/// that answer ends. Between requests the client stays readable, so the usual request/answer turn costs no
/// change of epoll interest.
final class ProxyServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let listenPort: Int
    private let engine: ProxyEngine
    private var context: ChannelHandlerContext?
    private var exchange: ProxyExchange?
    private var readPending = false
    private var upstreamNeedsFlush = false
    private var closeAfterResponse = false
    /// The connection is closing (a bad request, or `Connection: close` answered): input is ignored.
    private var closing = false
    /// The requests received, cut into parts; holds pipelined requests until their turn. With no
    /// exchange (the proxy answered the request itself) a request's body parts are dropped.
    private var reader = RequestReader()
    /// The request being received is HEAD (the proxy's own answers to it have no body).
    private var requestMethodIsHEAD = false
    /// ``handleInbound()`` is running (callbacks it causes must not run it again).
    private var handling = false
    /// Something was written to the client since the last flush.
    private var clientNeedsFlush = false
    /// An answer's head not written yet, with the start of its body when that is small: they go out
    /// in one write, with the end or at the end of the read.
    private var unwritten: ByteBuffer?
    /// The client's address for `X-Forwarded-For`, formatted once per connection.
    private lazy var clientAddress: String? = context?.channel.remoteAddress?.ipAddress
    /// Draws and request identifiers for this connection's requests.
    private var random = ConnectionRandom()

    /// A body part at most this long goes out in one write with the head before it.
    private static let coalescedBodyBytes = 16 * 1024

    init(listenPort: Int, engine: ProxyEngine) {
        self.listenPort = listenPort
        self.engine = engine
    }

    var downstreamWritable: Bool { context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: - From the client

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        reader.receive(unwrapInboundIn(data))
        handleInbound()
    }

    /// Pipelined requests wait in the reader for the answer in progress.
    private var pipelinedRequestsWait: Bool { exchange != nil && !reader.isInBody && reader.hasBuffered }

    /// Handles what was received, in order, as far as it can: heads start exchanges, body parts go
    /// up; a head that comes while an answer is in progress waits for it to end.
    private func handleInbound() {
        guard !handling else { return }
        handling = true
        defer { handling = false }
        while !closing {
            let part: RequestReader.Part?
            do {
                part = try reader.next(headAllowed: exchange == nil)
            } catch {
                return refuse(error)
            }
            switch part {
            case nil: return
            case .head(let head): start(head)
            case .body(let bytes): forwardBody(bytes)
            case .end: exchange?.requestEnded = true
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if pipelinedRequestsWait {
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
        reader.reset()
        closing = true
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

    /// A malformed request: 400 and the connection closes (in the middle of an answer, only the close).
    private func refuse(_ error: any Error) {
        reader.reset()
        closeAfterResponse = true
        if exchange != nil {
            closing = true
            context?.close(promise: nil)
        } else {
            let message = (error as? HTTPHeadError)?.description ?? "the request could not be read"
            answer(400, "Bad Request", "bad request: \(message)")
        }
    }

    private func start(_ head: RequestHead) {
        closeAfterResponse = !head.isKeepAlive
        requestMethodIsHEAD = head.method == .head
        guard let served = engine.traffic.route(listeningOn: listenPort) else {
            return answer(503, "Service Unavailable", "no route listens on port \(listenPort)")
        }
        let route = served.route
        let generation = engine.traffic.tableGeneration  // read before the upstream is chosen
        let choice = RoutePicker.chooseRelease(
            in: route, header: head.value(of: .stewardRelease),
            cookie: route.sticky == true
                ? RoutePicker.cookie(RoutePicker.stickyCookie, in: head.values(of: .cookie, separator: "; ")) : nil,
            draw: Double.random(in: 0..<1, using: &random))
        guard case .release(let release, let reason) = choice, let upstream = engine.traffic.begin(release) else {
            engine.stats.recordUnavailable(route: served.key)
            if case .unavailable(let why) = choice { return answer(503, "Service Unavailable", why) }
            return answer(503, "Service Unavailable", "no upstream of \(served.key) can take the request")
        }
        let setCookie =
            route.sticky == true && reason != .cookie
            ? "\(RoutePicker.stickyCookie)=\(release.release); Path=/; HttpOnly; SameSite=Lax" : nil
        let allocator = context?.channel.allocator ?? ByteBufferAllocator()
        let exchange = ProxyExchange(
            route: served.key, release: release, reason: reason, upstream: upstream,
            head: ForwardedHeaders.upstreamRequest(head, clientAddress: clientAddress, random: &random, allocator: allocator),
            method: head.method, clientMinorVersion: head.line.minorVersion, setCookie: setCookie)
        exchange.tableGeneration = generation
        self.exchange = exchange
        connect(exchange)
    }

    private func forwardBody(_ part: ByteBuffer) {
        guard let exchange else { return }  // the request was answered here: its body is dropped
        if exchange.sendsDirectly, let connection = exchange.connection {
            exchange.bodySent = true
            connection.send(part)
            upstreamNeedsFlush = true
        } else {
            exchange.pending.append(part)
        }
    }

    private func flushUpstream() {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            exchange?.connection?.flush()
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
        connection.begin(requestMethodIsHEAD: exchange.method == .head)
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
        exchange.headSent = false
        engine.traffic.finish(exchange.upstream)

        exchange.tried.insert(exchange.upstream)
        let generation = engine.traffic.tableGeneration
        if exchange.mayRetry(connectFailed: connectFailed),
            let release = RoutePicker.retryRelease(
                after: exchange.release, reason: exchange.reason, in: engine.traffic.route(listeningOn: listenPort)?.route,
                draw: Double.random(in: 0..<1, using: &random)),
            let next = engine.traffic.begin(release, excluding: exchange.tried)
        {
            // The head (and what of the body waited) goes again: no body byte had gone out.
            exchange.attempts += 1
            exchange.release = release
            exchange.upstream = next
            exchange.tableGeneration = generation
            exchange.tried.insert(next)
            return connect(exchange)
        }
        self.exchange = nil
        engine.stats.recordRequest(
            route: exchange.route, release: exchange.release.release, status: 502,
            microseconds: exchange.elapsedMicroseconds)
        if exchange.responseStarted {
            unwritten = nil
            closing = true
            reader.reset()
            context?.close(promise: nil)  // part of the answer is out: only a close tells the client
        } else {
            requestMethodIsHEAD = exchange.method == .head
            answer(502, "Bad Gateway", "the upstream of \(exchange.route) release \(exchange.release.release) did not answer")
            serveWaiting()
        }
    }

    // MARK: - From the upstream

    func upstreamReceived(_ part: UpstreamPart) {
        guard let exchange, let context else { return }
        switch part {
        case .interim(let head):
            // HTTP/1.0 clients know no interim answers (RFC 9110 §15.2).
            if exchange.clientMinorVersion >= 1 {
                context.write(wrapOutboundOut(head.bytes), promise: nil)
                clientNeedsFlush = true
            }
        case .head(let head):
            exchange.responseStarted = true
            exchange.status = head.status
            if head.framing == .untilClose && !closeAfterResponse {
                // The body ends with the upstream's close, not with the client's connection: chunked for an
                // HTTP/1.1 client, and an HTTP/1.0 one learns the end from the close.
                if exchange.clientMinorVersion >= 1 {
                    exchange.chunkingForClient = true
                } else {
                    closeAfterResponse = true
                }
            }
            unwritten = ForwardedHeaders.clientResponse(
                head, release: exchange.release.release, setCookie: exchange.setCookie, close: closeAfterResponse,
                chunk: exchange.chunkingForClient, allocator: context.channel.allocator)
        case .body(let bytes):
            clientNeedsFlush = true
            if exchange.chunkingForClient {
                writeUnwritten()
                var size = context.channel.allocator.buffer(capacity: 18)
                size.writeString(String(bytes.readableBytes, radix: 16))
                size.writeStaticString("\r\n")
                context.write(wrapOutboundOut(size), promise: nil)
                context.write(wrapOutboundOut(bytes), promise: nil)
                context.write(wrapOutboundOut(ByteBuffer(staticString: "\r\n")), promise: nil)
            } else if let waiting = unwritten?.readableBytes, waiting + bytes.readableBytes <= Self.coalescedBodyBytes,
                var head = unwritten.take()
            {
                head.writeImmutableBuffer(bytes)
                unwritten = head  // written with the end, or at the end of this read
            } else {
                writeUnwritten()
                context.write(wrapOutboundOut(bytes), promise: nil)
            }
        case .end:
            if exchange.chunkingForClient {
                writeUnwritten()
                context.write(wrapOutboundOut(ByteBuffer(staticString: "0\r\n\r\n")), promise: nil)
            }
            clientNeedsFlush = false
            // The usual small answer: head and body in one buffer, one write and flush.
            if let bytes = unwritten.take() {
                context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            } else {
                context.flush()
            }
            finish(exchange)
        }
    }

    private func writeUnwritten() {
        if let head = unwritten.take() {
            context?.write(wrapOutboundOut(head), promise: nil)
            clientNeedsFlush = true
        }
    }

    func upstreamReadComplete() {
        writeUnwritten()
        if clientNeedsFlush {
            clientNeedsFlush = false
            context?.flush()
        }
    }

    func upstreamBecameWritable() { resumeClientReads() }

    func upstreamFailed(_ error: any Error) {
        guard let exchange else { return }
        upstreamLost(exchange, connectFailed: false)
    }

    private func finish(_ exchange: ProxyExchange) {
        self.exchange = nil
        let connection = exchange.connection
        connection?.owner = nil
        engine.traffic.finish(exchange.upstream)
        engine.stats.recordRequest(
            route: exchange.route, release: exchange.release.release, status: exchange.status,
            microseconds: exchange.elapsedMicroseconds)
        if let channel = exchange.channel, let connection {
            // A drained upstream (no longer in the table) gets its connection closed, not kept.
            if connection.isReusable && exchange.requestEnded
                && engine.traffic.isServing(exchange.upstream, since: exchange.tableGeneration)
            {
                // Back to the pool, also between requests of one client: keeping it on the client
                // connection instead ("parking") lost a request now and then when the client's next
                // request went to another upstream (ProxyResilienceTests, about 1 run in 10).
                engine.pool.release(channel, upstream: exchange.upstream)
            } else {
                channel.close(promise: nil)
            }
        }
        if closeAfterResponse || !exchange.requestEnded {
            closing = true
            reader.reset()
            context?.close(promise: nil)
        } else {
            serveWaiting()
        }
    }

    /// Starts the pipelined requests that waited, in order, and reads again.
    private func serveWaiting() {
        handleInbound()
        flushUpstream()
        resumeClientReads()
    }

    private func resumeClientReads() {
        guard readPending, !pipelinedRequestsWait, let context else { return }
        readPending = false
        context.read()
    }

    // MARK: - Answers of the proxy itself

    /// Answers with a JSON error body (``ProxyErrorAnswer``; no body for HEAD).
    private func answer(_ status: Int, _ reason: String, _ message: String) {
        guard let context else { return }
        let bytes = ProxyErrorAnswer.bytes(
            status: status, reason: reason, message: message, close: closeAfterResponse, withBody: !requestMethodIsHEAD,
            allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        if closeAfterResponse {
            closing = true
            reader.reset()
            context.close(promise: nil)
        } else if readPending && !pipelinedRequestsWait {
            // A request still sending its body is read (and dropped) to its end.
            readPending = false
            context.read()
        }
    }
}

@available(*, unavailable)
extension ProxyServerHandler: Sendable {}
