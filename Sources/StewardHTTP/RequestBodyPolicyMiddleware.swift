import Foundation
public import Hummingbird

/// Refuses request bodies that a web page could send without asking first.
///
/// A browser lets any page POST `text/plain`, `application/x-www-form-urlencoded` or
/// `multipart/form-data` to a loopback address without a CORS preflight. The APIs take
/// JSON (and the stack file as YAML), so a body of any other type, or of no declared type,
/// is answered with 415 before any handler runs.
public struct RequestBodyPolicyMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext

    /// Media types a body may have (without parameters), lower case.
    public static let acceptedMediaTypes: Set<String> = [
        "application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
    ]

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard Self.hasBody(request) else { return try await next(request, context) }
        guard let mediaType = Self.mediaType(of: request), Self.acceptedMediaTypes.contains(mediaType) else {
            throw APIError(
                .unsupportedMediaType,
                "a request body must be sent as 'Content-Type: application/json' (or application/yaml for a stack file)")
        }
        return try await next(request, context)
    }

    /// The media type of the request's body, lower case and without parameters.
    public static func mediaType(of request: Request) -> String? {
        guard let header = request.headers[.contentType] else { return nil }
        let type = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? header
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }
}
