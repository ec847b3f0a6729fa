import NIOCore

/// A request head as received, with what the proxy reads from it (``HTTPHeadParser/parseRequest(_:)``).
struct RequestHead {
    /// The methods the proxy tells apart: HEAD (no body in the answer) and the idempotent ones (retried).
    enum Method {
        case get, head, options, trace, put, delete, other

        init(_ bytes: UnsafeRawBufferPointer, count: Int) {
            func named(_ name: StaticString) -> Bool {
                name.utf8CodeUnitCount == count && (0..<count).allSatisfy { bytes[$0] == name.utf8Start[$0] }
            }
            self =
                switch count {
                case 3: named("GET") ? .get : named("PUT") ? .put : .other
                case 4: named("HEAD") ? .head : .other
                case 5: named("TRACE") ? .trace : .other
                case 6: named("DELETE") ? .delete : .other
                case 7: named("OPTIONS") ? .options : .other
                default: .other
                }
        }

        /// RFC 9110's idempotent methods: a request that may be sent a second time.
        var isIdempotent: Bool { self != .other }
    }

    /// Where the parts of the request line are.
    struct Line {
        var method: Method
        /// The method is `bytes[0..<methodEnd]`.
        var methodEnd: Int
        /// The target ends here (where ` HTTP/1.x` starts).
        var targetEnd: Int
        var minorVersion: Int
    }

    /// The head's bytes, from the request line to the empty line.
    let bytes: ByteBuffer
    let line: Line
    let facts: HeadFacts

    var method: Method { line.method }

    /// How the request's body is delimited: chunked, a length, or none (RFC 9112 §6.3: a request
    /// with neither has no body).
    var framing: BodyFraming {
        if facts.chunked { return .chunked }
        if let length = facts.contentLength, length > 0 { return .length(length) }
        return .none
    }

    /// Whether the client keeps the connection after the answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`.
    var isKeepAlive: Bool { line.minorVersion >= 1 ? !facts.close : facts.keepAlive && !facts.close }

    /// The value of the first header of `kind` (for the few the proxy reads as text), else nil.
    func value(of kind: HeaderKind) -> String? {
        guard let field = facts.fields.first(where: { $0.kind == kind }) else { return nil }
        return bytes.withUnsafeReadableBytes { HTTPBytes.string($0, field.value) }
    }

    /// The values of every header of `kind`, joined by `separator`; nil when there is none.
    func values(of kind: HeaderKind, separator: String) -> String? {
        var joined: String?
        bytes.withUnsafeReadableBytes { bytes in
            for field in facts.fields where field.kind == kind {
                let value = HTTPBytes.string(bytes, field.value)
                joined = joined.map { "\($0)\(separator)\(value)" } ?? value
            }
        }
        return joined
    }

    func contains(_ kind: HeaderKind) -> Bool { facts.fields.contains { $0.kind == kind } }
}
