import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import StewardCore

extension RunbookStepRunner {
    /// Sends one HTTP request and reports the response's status and body.
    ///
    /// - Parameters:
    ///   - method: `GET`, `POST`… (any case).
    ///   - headers: added to the request as they are.
    ///   - body: sent as it is (UTF-8) when not nil.
    ///   - expectStatus: the statuses that count as success; empty means any 2xx.
    ///   - timeout: for the whole exchange, connecting and reading the body included.
    /// - Returns: `status` and the end of the body as text in `output`; succeeded when the status
    ///   is expected. A failure's error names the method and the URL (without its password).
    public func http(
        method: String, url: String, headers: [String: String], body: String?, expectStatus: [Int], timeout: Duration
    ) async -> RunbookStepResult {
        let timeout = Self.limited(timeout)
        let verb = method.uppercased()
        let what = "\(verb) \(URLText.redactingPassword(url))"
        guard !verb.isEmpty, verb.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return .failure("'\(method)' is not an HTTP method")
        }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: verb)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }

        let (client, logger, prepared) = (httpClient, logger, request)
        // The client's own deadline comes first and knows why ("connection refused" after its retries).
        return await Self.bounded(timeout + .milliseconds(250), reportedAs: Self.span(timeout), describing: what) {
            let response = try await client.execute(prepared, timeout: TimeAmount(clamping: timeout), logger: logger)
            var tail = OutputTail()
            for try await chunk in response.body { tail.append(chunk.readableBytesView) }
            let status = Int(response.status.code)
            let expected = expectStatus.isEmpty ? (200...299).contains(status) : expectStatus.contains(status)
            let wanted = expectStatus.isEmpty ? "2xx" : expectStatus.map(String.init).joined(separator: ", ")
            return RunbookStepResult(
                succeeded: expected, status: status, output: tail.text,
                error: expected ? nil : "HTTP \(status) from \(what), expected \(wanted)")
        }
    }
}
