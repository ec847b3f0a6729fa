public import HTTPTypes
public import Hummingbird
import Foundation
import NIOCore
import NIOFoundationCompat
import StewardCore

/// JSON in and out of the Steward APIs, with Steward's date format and sorted keys.
public enum JSONAnswer {
    /// A JSON response with the given status.
    public static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.steward.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Decodes a JSON request body (at most 4 MB).
    ///
    /// - Throws: ``APIError`` 400 naming the field and what was expected when the body does not fit.
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        guard RequestBodyPolicyMiddleware.mediaType(of: request) == "application/json" else {
            throw APIError(.unsupportedMediaType, "the request body must be JSON: send 'Content-Type: application/json'")
        }
        let buffer = try await request.body.collect(upTo: 4 * 1024 * 1024)
        do {
            return try JSONDecoder.steward.decode(type, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.badRequest("invalid request body: \(describe(error))")
        }
    }

    /// Decodes an optional JSON body: an empty body is `nil`.
    public static func decodeIfPresent<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        guard RequestBodyPolicyMiddleware.hasBody(request) else { return nil }
        return try await decode(type, from: request)
    }

    /// The body as UTF-8 text (at most 4 MB).
    ///
    /// - Throws: ``APIError`` 400 when the body is not valid UTF-8.
    public static func text(from request: Request) async throws -> String {
        let buffer = try await request.body.collect(upTo: 4 * 1024 * 1024)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw APIError.badRequest("the request body is not valid UTF-8 text")
        }
        return text
    }

    /// One sentence for a decoding error: where in the body and what was expected.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the body" : "'\(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            var keys = context.codingPath.map(\.stringValue)
            keys.append(key.stringValue)
            return "missing field '\(keys.joined(separator: "."))'"
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type; expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null; expected \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "\(type)".contains("Dictionary") ? "an object" : "\(type)".contains("Array") ? "a list" : "\(type)"
        }
    }
}
