import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardCore

extension Prober {
    /// GETs the check's path and compares the status and the expected JSON fields.
    ///
    /// - Returns: a note for the passing result ("HTTP 200").
    /// - Throws: ``ProbeFailure`` saying what did not match, or the client's error.
    func runHTTP(_ check: ProbeSpec.HTTPCheck, target: ProbeTarget, timeout: TimeSpan) async throws -> String {
        guard let port = check.port ?? target.port else {
            throw ProbeFailure("no port to probe: the http check names none and the instance has none")
        }
        let path = check.path.hasPrefix("/") ? check.path : "/" + check.path
        var request = HTTPClientRequest(url: HTTPAddress.url(host: target.host, port: port, path: path))
        for (name, value) in check.headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        // A fresh connection per probe: a pooled one could hide that new connections are refused.
        request.headers.replaceOrAdd(name: "Connection", value: "close")

        let response = try await httpClient.execute(
            request, timeout: .milliseconds(timeout.milliseconds), logger: logger)
        let status = Int(response.status.code)
        let (body, truncated) = try await Self.readBody(response.body, limit: Self.maximumBodyBytes)

        guard check.expectStatus.contains(status) else {
            throw ProbeFailure("HTTP \(status) from \(path)\(Self.excerpt(body))")
        }
        guard !check.expectJSON.isEmpty else { return "HTTP \(status)" }
        guard !truncated else {
            throw ProbeFailure("response from \(path) is larger than \(Self.maximumBodyBytes / 1024) KB; not checked")
        }
        guard let document = JSONValue.parse(body) else {
            throw ProbeFailure("response from \(path) is not JSON\(Self.excerpt(body))")
        }
        for (field, expected) in check.expectJSON.sorted(by: { $0.key < $1.key }) {
            guard let value = document.value(at: field) else {
                throw ProbeFailure("field \(field) is missing from the response of \(path), expected '\(expected)'")
            }
            guard value.rendered == expected else {
                throw ProbeFailure("field \(field) was '\(value.rendered)', expected '\(expected)'")
            }
        }
        return "HTTP \(status), \(check.expectJSON.count) field(s) as expected"
    }

    /// Reads at most `limit` bytes of a body; the flag says whether there was more.
    static func readBody(_ body: HTTPClientResponse.Body, limit: Int) async throws -> (Data, Bool) {
        var data = Data()
        for try await chunk in body {
            let room = limit - data.count
            if chunk.readableBytes > room {
                data.append(contentsOf: chunk.readableBytesView.prefix(room))
                return (data, true)
            }
            data.append(contentsOf: chunk.readableBytesView)
        }
        return (data, false)
    }

    /// ": <the first 200 characters of the body>" for failure messages, or "" for an empty body.
    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(400), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\n", with: " ")
        guard !text.isEmpty else { return "" }
        return ": " + (text.count > 200 ? String(text.prefix(200)) + "…" : text)
    }
}
