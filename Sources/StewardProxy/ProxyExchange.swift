import NIOCore
import NIOHTTP1

/// One request on its way through the proxy: where it goes, what was sent, what came back.
///
/// Lives on the client connection's event loop only.
final class ProxyExchange {
    let route: String
    /// The release the request is with; a retry may move it (``RoutePicker/retryRelease(after:reason:in:draw:)``).
    var release: ReleaseTarget
    /// Why the first release was chosen.
    let reason: RoutePicker.Reason
    /// The request head as sent upstream.
    let head: HTTPRequestHead
    let idempotent: Bool
    /// `Set-Cookie` for a sticky route whose client has no valid cookie yet.
    let setCookie: String?
    let startedAt: NIODeadline

    var upstream: String
    /// Upstreams that failed this request; filled only when it is retried (no set per request).
    var tried: Set<String> = []
    var attempts = 1
    /// Request parts waiting for the upstream connection.
    var pending: [HTTPClientRequestPart]
    var connection: UpstreamHandler?
    var channel: (any Channel)?
    /// Body bytes went upstream: the request cannot be sent again.
    var bodySent = false
    var requestEnded = false
    var responseStarted = false
    var upstreamKeepAlive = true
    var status = 0

    init(
        route: String, release: ReleaseTarget, reason: RoutePicker.Reason, upstream: String, head: HTTPRequestHead,
        setCookie: String?
    ) {
        self.route = route
        self.release = release
        self.reason = reason
        self.upstream = upstream
        self.head = head
        self.idempotent = ForwardedHeaders.isIdempotent(head.method)
        self.setCookie = setCookie
        self.startedAt = .now()
        self.pending = [.head(head)]
    }

    /// Microseconds since the request arrived.
    var elapsedMicroseconds: UInt64 { UInt64(max((NIODeadline.now() - startedAt).nanoseconds / 1000, 0)) }

    /// Sends the parts that waited for the connection.
    func sendPending() {
        guard let connection else { return }
        for part in pending {
            if case .body = part { bodySent = true }
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
