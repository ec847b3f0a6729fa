import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One authenticated JSON request to the admin API of a Steward process (the agent's, the proxy's).
enum BearerExchange {
    /// Sends `body` as JSON with the bearer token and returns the body of a 2xx answer.
    ///
    /// - Parameter failure: builds the caller's error from the status (nil: unreachable) and a message.
    static func send<Failure: Error>(
        _ client: HTTPClient, baseURL: String, token: String, method: String, path: String, body: Data?,
        timeout: Duration, failure: (Int?, String) -> Failure
    ) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let data: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .init(timeout))
            data = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw failure(nil, "\(baseURL): \(error)")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let text = String(buffer: data)
            throw failure(Int(response.status.code), text.isEmpty ? "\(response.status)" : text)
        }
        return Data(buffer: data)
    }
}
