import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Posts a deployment marker to a webhook: one attempt, the caller retries.
public struct MarkerWebhook: Sendable {
    let client: HTTPClient

    /// - Parameter client: the shared client of runbook HTTP steps by default.
    public init(client: HTTPClient = RunbookStepRunner.sharedHTTPClient) { self.client = client }

    /// Posts `body` as JSON to `url`.
    ///
    /// - Returns: nil when the server answered 2xx, else what went wrong (the status and the start of
    ///   the answer, or the connection error). The text may contain the URL: mask it before showing it.
    public func post(_ body: Data, to url: String, timeout: Duration) async -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "steward-marker")
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let answer = try await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(Int(response.status.code)) { return nil }
            let text = String(buffer: answer).prefix(200)
            return "HTTP \(response.status.code)" + (text.isEmpty ? "" : ": \(text)")
        } catch {
            return "\(error)"
        }
    }
}
