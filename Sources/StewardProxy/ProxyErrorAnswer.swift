import Foundation
import NIOCore

/// The answers the proxy gives itself (400, 502, 503): a JSON error body
/// `{"error": {"status", "message"}}`, as the rest of Steward's APIs answer.
enum ProxyErrorAnswer {
    /// The whole answer's bytes.
    ///
    /// - Parameters:
    ///   - close: adds `Connection: close` (the connection closes after it).
    ///   - withBody: false for an answer to HEAD (its Content-Length still says the body's size).
    static func bytes(
        status: Int, reason: String, message: String, close: Bool, withBody: Bool, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        let body = ErrorBody(error: .init(status: status, message: message))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var out = allocator.buffer(capacity: 160 + data.count)
        out.writeString("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json; charset=utf-8\r\n")
        out.writeString("Content-Length: \(data.count)\r\n")
        if close { out.writeStaticString("Connection: close\r\n") }
        out.writeStaticString("\r\n")
        if withBody { out.writeBytes(data) }
        return out
    }

    private struct ErrorBody: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
        }
        var error: Inner
    }
}
