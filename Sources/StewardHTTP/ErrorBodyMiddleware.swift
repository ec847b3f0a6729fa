import Foundation
public import Hummingbird
import Logging
import NIOCore

/// Gives every error answer the API's JSON body, whoever raised it.
///
/// Hummingbird's own errors (a 404 from the router, a 413 from a body that is too large)
/// become ``APIError``s with the same status; any other error is logged and answered with a
/// plain 500 whose body says nothing about the cause (internal details stay internal).
public struct ErrorBodyMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? Self.message(for: error.status, request: request))
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is larger than the API accepts (4 MiB)")
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, Self.message(for: error.status, request: request))
        } catch {
            context.logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            throw APIError(.internalServerError, "internal error; the server log has the details")
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no route for \(request.method) \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}
