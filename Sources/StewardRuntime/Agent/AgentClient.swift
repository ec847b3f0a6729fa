public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import StewardCore

/// The control plane's side of the agent API: a small authenticated JSON-over-HTTP client.
///
/// Every call is safe to repeat: starting an instance is keyed by its id, and stopping an
/// instance that is already gone succeeds.
public struct AgentClient: Sendable {
    /// A failure talking to an agent: unreachable, refused, or an error answer.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int?
        public var message: String
        public var description: String {
            status.map { "agent answered \($0): \(message)" } ?? "agent unreachable: \(message)"
        }
    }

    public let baseURL: String
    let token: String
    let httpClient: HTTPClient

    /// - Parameters:
    ///   - baseURL: e.g. `http://127.0.0.1:7071`.
    ///   - token: the agent's bearer token.
    public init(baseURL: String, token: String, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.httpClient = httpClient
    }

    /// Everything on the agent; with `after`, waits up to `wait` for a generation newer than it.
    public func snapshot(after generation: UInt64? = nil, wait: Duration = .zero) async throws -> AgentSnapshot {
        var path = "/v1/instances"
        if let generation {
            path += "?after=\(generation)&waitMs=\(wait.wholeMilliseconds)"
        }
        return try await send("GET", path, timeout: wait + .seconds(10), as: AgentSnapshot.self)
    }

    /// Starts the instance unless the agent already runs it.
    @discardableResult
    public func ensureRunning(_ spec: InstanceSpec) async throws -> InstanceStatus {
        try await send("PUT", "/v1/instances/\(spec.id)", body: try JSONEncoder.steward.encode(spec), as: InstanceStatus.self)
    }

    /// Stops the instance and returns once its processes are gone.
    public func stop(_ id: String, grace: TimeSpan = .seconds(10)) async throws {
        _ = try await send("DELETE", "/v1/instances/\(id)", timeout: grace.duration + .seconds(15), as: EmptyAnswer.self)
    }

    /// Reads part of an instance's log (see ``Supervisor/readLog(_:offset:limit:)``).
    public func log(_ id: String, offset: Int, limit: Int = 65536) async throws -> LogChunk {
        try await send("GET", "/v1/instances/\(id)/log?offset=\(offset)&limit=\(limit)", as: LogChunk.self)
    }

    struct EmptyAnswer: Decodable { init() {} }

    private func send<T: Decodable>(
        _ method: String, _ path: String, body: Data? = nil, timeout: Duration = .seconds(15), as type: T.Type
    ) async throws -> T {
        let data = try await BearerExchange.send(
            httpClient, baseURL: baseURL, token: token, method: method, path: path, body: body, timeout: timeout
        ) { Failure(status: $0, message: $1) }
        if T.self == EmptyAnswer.self, let empty = EmptyAnswer() as? T { return empty }
        return try JSONDecoder.steward.decode(T.self, from: data)
    }
}
