/// HTTP/1.1 requests written byte for byte, so tests can send paths no client would
/// normalise (`//v1/…`, `/./`, `%2F`) and bodies of any type.
public enum RawHTTP {
    /// Sends one request to 127.0.0.1:`port` and returns the status code of the answer.
    ///
    /// - Parameters:
    ///   - target: the request target exactly as it goes on the wire.
    ///   - headers: extra header lines, e.g. `["Authorization: Bearer x"]`.
    /// - Throws: when the server cannot be reached or its first line is not an HTTP status line.
    public static func status(
        port: Int, method: String, target: String, headers: [String] = [], body: String = ""
    ) throws -> Int {
        var lines = ["\(method) \(target) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"]
        lines += headers
        if !body.isEmpty || method == "POST" || method == "PUT" { lines.append("Content-Length: \(body.utf8.count)") }
        let request = lines.joined(separator: "\r\n") + "\r\n\r\n" + body
        let statusLine = try LineClient.exchange(port: port, request: request)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw SystemCallError.failed("read an HTTP status line (got '\(statusLine)')", errno: 0)
        }
        return status
    }
}
