#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import NIOCore

/// Builds JSON responses with an explicit status, keys sorted so answers are stable.
enum JSONResponse {
    /// `value` encoded as JSON with `status`.
    static func make(_ status: HTTPResponse.Status = .ok, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Only this target's plain structs are encoded here; they cannot fail to encode.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(status, data)
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        make(status, ErrorBody(error: message))
    }

    /// Bytes that already are JSON, with `status`.
    static func raw(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
