/// The header names the proxy acts on, recognised from bytes without making a String.
///
/// Every other name is ``other``: its line is forwarded as it came.
enum HeaderKind: UInt8 {
    case other
    case contentLength, transferEncoding, connection, host
    // Hop-by-hop (RFC 9110 §7.6.1), besides Connection and Transfer-Encoding.
    case keepAlive, proxyConnection, te, trailer, upgrade, proxyAuthenticate, proxyAuthorization
    case stewardRelease, cookie, forwardedFor, forwardedProto, requestID

    /// Whether a header of this kind describes one connection and is never forwarded as it is.
    var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .proxyConnection, .te, .trailer, .upgrade, .proxyAuthenticate, .proxyAuthorization,
            .transferEncoding:
            true
        default: false
        }
    }

    /// The kind of the name `bytes[start..<start+count]`, ignoring ASCII case.
    static func of(_ bytes: UnsafeRawBufferPointer, start: Int, count: Int) -> HeaderKind {
        func named(_ lowercase: StaticString) -> Bool {
            HTTPBytes.equalsIgnoringCase(bytes, start: start, count: count, lowercase)
        }
        switch count {
        case 2: return named("te") ? .te : .other
        case 4: return named("host") ? .host : .other
        case 6: return named("cookie") ? .cookie : .other
        case 7:
            if named("trailer") { return .trailer }
            return named("upgrade") ? .upgrade : .other
        case 10:
            if named("connection") { return .connection }
            return named("keep-alive") ? .keepAlive : .other
        case 12: return named("x-request-id") ? .requestID : .other
        case 14: return named("content-length") ? .contentLength : .other
        case 15: return named("x-forwarded-for") ? .forwardedFor : .other
        case 16: return named("proxy-connection") ? .proxyConnection : .other
        case 17:
            if named("transfer-encoding") { return .transferEncoding }
            if named("x-steward-release") { return .stewardRelease }
            return named("x-forwarded-proto") ? .forwardedProto : .other
        case 18: return named("proxy-authenticate") ? .proxyAuthenticate : .other
        case 19: return named("proxy-authorization") ? .proxyAuthorization : .other
        default: return .other
        }
    }
}
