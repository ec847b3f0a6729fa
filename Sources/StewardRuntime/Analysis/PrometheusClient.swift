public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Instant queries against a Prometheus server's HTTP API (`GET /api/v1/query`).
public struct PrometheusClient: Sendable {
    /// A failure asking Prometheus: unreachable, an error answer (a bad query), or an answer that is not a vector.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int?
        public var message: String
        public var description: String {
            status.map { "Prometheus answered \($0): \(message)" } ?? "Prometheus unreachable: \(message)"
        }
    }

    /// The server, e.g. `http://127.0.0.1:9090`.
    public let baseURL: String
    let bearerToken: String?
    let httpClient: HTTPClient

    /// - Parameters:
    ///   - baseURL: the server, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept).
    ///   - bearerToken: sent as `Authorization: Bearer …` when the server sits behind a proxy that wants one.
    public init(baseURL: String, bearerToken: String? = nil, httpClient: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.bearerToken = bearerToken
        self.httpClient = httpClient
    }

    /// The value of a query whose answer is one number (a `sum(…)`, a `histogram_quantile(…)`),
    /// evaluated at `time` (the server's now when `nil`).
    ///
    /// Queries that make one measurement share a `time`: a range ending at a slightly later
    /// moment extrapolates its counts differently, and their ratio would drift.
    ///
    /// - Returns: `nil` when the answer is empty (no such series) or not a number (`NaN`: a
    ///   quantile of no request).
    /// - Throws: ``Failure`` when Prometheus cannot be reached, refuses the query, or answers more than one series.
    public func scalar(_ query: String, at time: Date? = nil) async throws -> Double? {
        let samples = try await vector(query, at: time)
        guard samples.count <= 1 else {
            throw Failure(status: 200, message: "'\(query)' gave \(samples.count) series; expected at most one")
        }
        guard let value = samples.first?.value, value.isFinite else { return nil }
        return value
    }

    /// The samples of an instant query evaluated at `time` (the server's now when `nil`): each series' labels and value.
    public func vector(_ query: String, at time: Date? = nil) async throws -> [(labels: [String: String], value: Double)] {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "query", value: query)]
        if let time {
            components.queryItems?.append(URLQueryItem(name: "time", value: String(format: "%.3f", time.timeIntervalSince1970)))
        }
        // `+` is a space in a query string; PromQL uses it as addition.
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        var request = HTTPClientRequest(url: baseURL + "/api/v1/query?" + encoded)
        request.method = .GET
        if let bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(bearerToken)") }
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        } catch {
            throw Failure(status: nil, message: "\(baseURL): \(error)")
        }
        let answer = try? JSONDecoder().decode(QueryAnswer.self, from: Data(buffer: body))
        guard (200..<300).contains(status), let answer, answer.status == "success", let data = answer.data else {
            let message = answer?.error ?? String(buffer: body)
            throw Failure(status: status, message: message.isEmpty ? "no answer to '\(query)'" : message)
        }
        guard data.resultType == "vector" else {
            throw Failure(status: status, message: "'\(query)' gave a \(data.resultType); expected a vector")
        }
        return try data.result.map { sample in
            guard sample.value.count == 2, case .text(let text) = sample.value[1], let value = Double(text) else {
                throw Failure(status: status, message: "a sample of '\(query)' has no value")
            }
            return (sample.metric, value)
        }
    }

    /// The answer of `/api/v1/query` (Prometheus HTTP API): values are `[time, "text"]`.
    private struct QueryAnswer: Decodable {
        struct Result: Decodable {
            var resultType: String
            var result: [Sample]
        }
        struct Sample: Decodable {
            var metric: [String: String]
            var value: [Element]
        }
        enum Element: Decodable {
            case time(Double)
            case text(String)

            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) {
                    self = .text(text)
                } else {
                    self = .time(try container.decode(Double.self))
                }
            }
        }
        var status: String
        var data: Result?
        var error: String?
    }
}
