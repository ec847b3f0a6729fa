import NIOCore

/// One request on its way through the proxy: where it goes, what was sent, what came back.
///
/// Lives on the client connection's event loop only.
final class ProxyExchange {
    let route: String
    /// The release the request is with; a retry may move it (``RoutePicker/retryRelease(after:reason:in:draw:)``).
    var release: ReleaseTarget
    /// Why the first release was chosen.
    let reason: RoutePicker.Reason
    /// The request head as sent upstream (sent again on a retry).
    let head: ByteBuffer
    let method: RequestHead.Method
    /// The client's HTTP minor version (interim answers go to HTTP/1.1 clients only).
    let clientMinorVersion: Int
    /// `Set-Cookie` for a sticky route whose client has no valid cookie yet.
    let setCookie: String?
    let startedAt: NIODeadline

    var upstream: String
    /// ``TrafficState/tableGeneration`` before `upstream` was chosen.
    var tableGeneration = 0
    /// Upstreams that failed this request; filled only when it is retried (no set per request).
    var tried: Set<String> = []
    var attempts = 1
    /// The head went to the current upstream connection.
    var headSent = false
    /// Body parts waiting for the upstream connection (or for the head to go first).
    var pending: [ByteBuffer] = []
    var connection: UpstreamHandler?
    var channel: (any Channel)?
    /// Body bytes went upstream: the request cannot be sent again.
    var bodySent = false
    var requestEnded = false
    var responseStarted = false
    /// The answer's body runs until the upstream closes and is chunked for the client.
    var chunkingForClient = false
    var status = 0

    init(
        route: String, release: ReleaseTarget, reason: RoutePicker.Reason, upstream: String, head: ByteBuffer,
        method: RequestHead.Method, clientMinorVersion: Int, setCookie: String?
    ) {
        self.route = route
        self.release = release
        self.reason = reason
        self.upstream = upstream
        self.head = head
        self.method = method
        self.clientMinorVersion = clientMinorVersion
        self.setCookie = setCookie
        self.startedAt = .now()
    }

    var idempotent: Bool { method.isIdempotent }

    /// Microseconds since the request arrived.
    var elapsedMicroseconds: UInt64 { UInt64(max((NIODeadline.now() - startedAt).nanoseconds / 1000, 0)) }

    /// Whether body parts can go straight to the upstream connection.
    var sendsDirectly: Bool { connection != nil && headSent && pending.isEmpty }

    /// Sends the head (unless it went already) and the body parts that waited for the connection.
    func sendPending() {
        guard let connection else { return }
        if !headSent {
            headSent = true
            if pending.isEmpty {
                return connection.sendAndFlush(head)  // the usual request: a head alone, one write and flush
            }
            connection.send(head)
        }
        for part in pending {
            bodySent = true
            connection.send(part)
        }
        pending = []
        connection.flush()
    }

    /// Whether a request that lost its upstream may go to another one: nothing reached an upstream
    /// (connection refused), or an idempotent request whose head is all that was sent.
    func mayRetry(connectFailed: Bool) -> Bool {
        attempts < 2 && !responseStarted && (connectFailed || (idempotent && !bodySent))
    }
}

@available(*, unavailable)
extension ProxyExchange: Sendable {}
