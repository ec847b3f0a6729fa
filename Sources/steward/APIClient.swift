import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import StewardCore

/// The CLI's HTTP client for the control plane's API.
struct APIClient {
    let baseURL: String
    let token: String?

    /// The CLI's HTTP client. Unlike `HTTPClient.shared`, a refused connection fails the request
    /// at once (exit 3) instead of being retried until the request's 60-second deadline.
    /// A process-wide constant, so it is never deinitialised without a shutdown.
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends a request and returns the raw JSON body of a 2xx answer.
    ///
    /// - Throws: ``CLIError`` `.refused` with the server's message for 4xx/5xx, `.unreachable` when it cannot connect.
    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> Data {
        var request = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response: HTTPClientResponse
        let buffer: ByteBuffer
        do {
            response = try await Self.httpClient.execute(request, timeout: .seconds(60))
            buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw CLIError.unreachable("cannot reach the control plane at \(baseURL): \(error)")
        }
        let data = Data(buffer: buffer)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw CLIError.refused(status: Int(response.status.code), message: Self.errorMessage(data) ?? "HTTP \(response.status.code)", details: Self.errorDetails(data))
        }
        return data
    }

    /// A long poll of `path`: answers its body and `ETag` once they differ from `etag`, or nil
    /// when `waitMs` passed without a change (`304 Not Modified`).
    ///
    /// - Throws: what ``send(_:_:body:contentType:)`` throws.
    func changed(_ path: String, since etag: String?, waitMs: Int) async throws -> (data: Data, etag: String?)? {
        var request = HTTPClientRequest(url: baseURL.trimmingSuffix("/") + path + (path.contains("?") ? "&" : "?") + "waitMs=\(waitMs)")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        let response: HTTPClientResponse
        let buffer: ByteBuffer
        do {
            response = try await Self.httpClient.execute(request, timeout: .milliseconds(Int64(waitMs)) + .seconds(60))
            buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw CLIError.unreachable("cannot reach the control plane at \(baseURL): \(error)")
        }
        if response.status == .notModified { return nil }
        let data = Data(buffer: buffer)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw CLIError.refused(status: Int(response.status.code), message: Self.errorMessage(data) ?? "HTTP \(response.status.code)", details: Self.errorDetails(data))
        }
        return (data, response.headers.first(name: "ETag"))
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        try JSONDecoder.steward.decode(T.self, from: try await send("GET", path))
    }

    func post<T: Decodable>(_ path: String, _ body: some Encodable, as type: T.Type) async throws -> T {
        try JSONDecoder.steward.decode(T.self, from: try await send("POST", path, body: try JSONEncoder.steward.encode(body)))
    }

    private static func errorMessage(_ data: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["message"] as? String
    }

    private static func errorDetails(_ data: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let error = object["error"] as? [String: Any], let details = error["details"] as? [[String: Any]]
        else { return [] }
        return details.compactMap { $0["message"] as? String }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
