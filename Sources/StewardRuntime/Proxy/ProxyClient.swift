public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
public import StewardCore

/// The control plane's side of the traffic proxy's admin API (docs/proxy.md).
///
/// The proxy takes the whole table at once, so a push is safe to repeat and the last one wins.
public struct ProxyClient: Sendable {
    /// A failure talking to the proxy: unreachable, or an error answer (a refused table).
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int?
        public var message: String
        public var description: String {
            status.map { "proxy answered \($0): \(message)" } ?? "proxy unreachable: \(message)"
        }
    }

    public let baseURL: String
    let token: String
    let httpClient: HTTPClient

    /// - Parameters:
    ///   - baseURL: the admin API, e.g. `http://127.0.0.1:7072`.
    ///   - token: the proxy's bearer token (`STATE/proxy.token`).
    public init(baseURL: String, token: String, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.httpClient = httpClient
    }

    /// Replaces the proxy's whole table; returns once the proxy applied it (it is saved before it takes effect).
    public func replaceRoutes(with table: TrafficTable) async throws {
        _ = try await send("PUT", "/v1/routes", body: try JSONEncoder.steward.encode(table))
    }

    /// The table the proxy serves.
    public func routes() async throws -> TrafficTable {
        try JSONDecoder.steward.decode(TrafficTable.self, from: try await send("GET", "/v1/routes", body: nil))
    }

    func send(_ method: String, _ path: String, body: Data?) async throws -> Data {
        try await BearerExchange.send(
            httpClient, baseURL: baseURL, token: token, method: method, path: path, body: body, timeout: .seconds(10)
        ) { Failure(status: $0, message: $1) }
    }
}
