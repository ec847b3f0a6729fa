public import HTTPTypes
public import Hummingbird
import Foundation
import NIOCore

/// An error answer of the Steward APIs: a status and a JSON body that says what was wrong.
///
/// The body is `{"error": {"status": 422, "message": "...", "details": [...]}}`. Messages are
/// written for the caller: what was wrong, where (a body path or a file position) and what
/// was expected. Errors of any other type become a bare 500 and are only logged.
public struct APIError: HTTPResponseError, Sendable {
    /// One positioned problem, e.g. a stack-file error or an invalid body field.
    public struct Detail: Codable, Sendable, Equatable {
        public var message: String
        public var path: String?
        public var line: Int?
        public var column: Int?

        public init(message: String, path: String? = nil, line: Int? = nil, column: Int? = nil) {
            self.message = message
            self.path = path
            self.line = line
            self.column = column
        }
    }

    public var status: HTTPResponse.Status
    public var message: String
    public var details: [Detail]
    /// Extra response headers, such as `Allow` on a 405.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, details: [Detail] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }
    public static func unprocessable(_ message: String, details: [Detail] = []) -> APIError {
        APIError(.unprocessableContent, message, details: details)
    }

    private struct Body: Encodable {
        struct Inner: Encodable {
            var status: Int
            var message: String
            var details: [Detail]?
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(status: status.code, message: message, details: details.isEmpty ? nil : details))
        var response = try JSONAnswer.response(body, status: status)
        response.headers[.connection] = nil
        response.headers.append(contentsOf: headers)
        return response
    }
}
