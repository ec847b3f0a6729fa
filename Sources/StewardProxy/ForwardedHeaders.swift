import NIOHTTP1

/// The header rewriting of a reverse proxy: hop-by-hop headers out, forwarding headers in.
enum ForwardedHeaders {
    /// Headers that describe one connection, never forwarded (RFC 9110 §7.6.1); lowercase.
    static let hopByHop: [String] = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade",
    ]

    /// `headers` without hop-by-hop headers and those the `Connection` header names, but with the
    /// body's framing kept: chunked stays chunked (the encoder re-chunks), a length stays.
    ///
    /// Runs twice per proxied request (its head and its answer's), so names are compared without
    /// allocating: only the names a `Connection` header lists are lowercased, once.
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        let named = headers["connection"].flatMap { $0.split(separator: ",") }.compactMap { token -> String? in
            let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            guard let first = token.firstIndex(where: { !isBlank($0) }),
                let last = token.lastIndex(where: { !isBlank($0) })
            else { return nil }
            return token[first...last].lowercased()
        }
        let chunked = headers["transfer-encoding"].contains { $0.lowercased().contains("chunked") }
        var result = HTTPHeaders()
        for (name, value) in headers {
            if hopByHop.contains(where: { equalsIgnoringASCIICase(name, $0) })
                || named.contains(where: { equalsIgnoringASCIICase(name, $0) })
            {
                continue
            }
            result.add(name: name, value: value)
        }
        if chunked {
            result.remove(name: "content-length")
            result.add(name: "transfer-encoding", value: "chunked")
        }
        return result
    }

    /// `name == lowercase` ignoring ASCII case, `lowercase` being lowercase already.
    private static func equalsIgnoringASCIICase(_ name: String, _ lowercase: String) -> Bool {
        guard name.utf8.count == lowercase.utf8.count else { return false }
        return zip(name.utf8, lowercase.utf8).allSatisfy { byte, expected in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
        }
    }

    /// The request head sent upstream: end-to-end headers plus `X-Forwarded-For`, `X-Forwarded-Proto`
    /// and `X-Request-Id` (kept if the client sent one, generated from `random` otherwise); always
    /// HTTP/1.1 keep-alive.
    static func upstreamRequest(
        _ head: HTTPRequestHead, clientAddress: String?, random: inout ConnectionRandom
    ) -> HTTPRequestHead {
        var headers = endToEnd(head.headers)
        if let clientAddress {
            let previous = headers["x-forwarded-for"].joined(separator: ", ")
            headers.replaceOrAdd(
                name: "X-Forwarded-For", value: previous.isEmpty ? clientAddress : "\(previous), \(clientAddress)")
        }
        if !headers.contains(name: "x-forwarded-proto") { headers.add(name: "X-Forwarded-Proto", value: "http") }
        if !headers.contains(name: "x-request-id") {
            headers.add(name: "X-Request-Id", value: random.requestID())
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
