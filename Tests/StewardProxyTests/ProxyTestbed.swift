import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting

/// A proxy process, its admin client and a data-plane client, torn down together.
struct ProxyTestbed {
    let directory: TemporaryDirectory
    let proxy: ProxyProcess
    let admin: AdminClient
    let client: HTTPClient

    static func start() async throws -> ProxyTestbed {
        let directory = try TemporaryDirectory(prefix: "steward-proxy-test")
        let proxy = try await ProxyProcess.start(in: directory)
        // The shared client needs no shutdown, so a test that throws half-way leaves nothing behind;
        // every request carries its own deadline.
        let client = HTTPClient.shared
        return ProxyTestbed(
            directory: directory, proxy: proxy, admin: AdminClient(port: proxy.adminPort, token: try proxy.token, client: client),
            client: client)
    }

    func shutdown() async {
        proxy.kill()
        directory.remove()
    }

    /// A one-route table on `port` for service `api` in `production`.
    static func table(port: Int, sticky: Bool? = nil, _ releases: [ReleaseTarget]) -> RouteTable {
        RouteTable(routes: [ProxyRoute(service: "api", environment: "production", listenPort: port, sticky: sticky, releases: releases)])
    }

    /// Sends a request through the proxy's route on `port`; the answer's status, headers and body.
    func request(
        port: Int, _ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: ByteBuffer? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), response.headers, bytes)
    }
}

/// The value of a metric line `name{labels} value` in Prometheus text, if present.
func metricValue(_ text: String, _ series: String) -> String? {
    text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
}
