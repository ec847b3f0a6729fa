import Foundation
import NIOHTTP1

/// The header rewriting of a reverse proxy: hop-by-hop headers out, forwarding headers in.
enum ForwardedHeaders {
    /// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1).
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// `headers` without hop-by-hop headers and those the `Connection` header names, but with the
    /// body's framing kept: chunked stays chunked (the encoder re-chunks), a length stays.
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = Set(headers["connection"].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        let chunked = headers["transfer-encoding"].contains { $0.lowercased().contains("chunked") }
        var result = HTTPHeaders()
        for (name, value) in headers {
            let lower = name.lowercased()
            if hopByHop.contains(lower) || named.contains(lower) { continue }
            result.add(name: name, value: value)
        }
        if chunked {
            result.remove(name: "content-length")
            result.add(name: "transfer-encoding", value: "chunked")
        }
        return result
    }

    /// The request head sent upstream: end-to-end headers plus `X-Forwarded-For`, `X-Forwarded-Proto`
    /// and `X-Request-Id` (kept if the client sent one, generated otherwise); always HTTP/1.1 keep-alive.
    static func upstreamRequest(_ head: HTTPRequestHead, clientAddress: String?) -> HTTPRequestHead {
        var headers = endToEnd(head.headers)
        if let clientAddress {
            let previous = headers["x-forwarded-for"].joined(separator: ", ")
            headers.replaceOrAdd(
                name: "X-Forwarded-For", value: previous.isEmpty ? clientAddress : "\(previous), \(clientAddress)")
        }
        if !headers.contains(name: "x-forwarded-proto") { headers.add(name: "X-Forwarded-Proto", value: "http") }
        if !headers.contains(name: "x-request-id") {
            headers.add(name: "X-Request-Id", value: UUID().uuidString.lowercased())
        }
        var upstream = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
        upstream.headers = headers
        return upstream
    }

    /// Whether a request may be sent a second time: RFC 9110's idempotent methods.
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }
}
