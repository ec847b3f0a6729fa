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
    /// Runs twice per proxied request (its head and its answer's), so it scans the headers once,
    /// comparing names without allocating, and changes a copy only when something must go: a head
    /// without hop-by-hop headers is returned as it is (shared, not copied).
    static func endToEnd(_ headers: HTTPHeaders) -> HTTPHeaders {
        var dropped: [String] = []  // lowercase names, removed ignoring case
        var chunked = false
        for (name, value) in headers {
            guard let hop = hopByHop.first(where: { equalsIgnoringASCIICase(name, $0) }) else { continue }
            if !dropped.contains(hop) { dropped.append(hop) }
            if hop == "connection" { dropped += connectionOptions(value) }
            if hop == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
        }
        guard !dropped.isEmpty else { return headers }
        var result = headers
        for name in dropped { result.remove(name: name) }
        if chunked {
            result.remove(name: "content-length")
            result.add(name: "transfer-encoding", value: "chunked")
        }
        return result
    }

    /// The header names a `Connection` header's value lists, lowercase (`close` and `keep-alive`
    /// are options, not names, but dropping headers so named is harmless).
    private static func connectionOptions(_ value: String) -> [String] {
        // The usual values, on nearly every answer: nothing to split or lowercase.
        if equalsIgnoringASCIICase(value, "keep-alive") || equalsIgnoringASCIICase(value, "close") { return [] }
        return value.split(separator: ",").compactMap { token -> String? in
            let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            guard let first = token.firstIndex(where: { !isBlank($0) }),
                let last = token.lastIndex(where: { !isBlank($0) })
            else { return nil }
            return token[first...last].lowercased()
        }
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
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
    }

    /// Whether a request may be sent a second time: RFC 9110's idempotent methods.
    static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }
}
