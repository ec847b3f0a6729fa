import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal real HTTP/1.1 server on 127.0.0.1 for tests, answering each request with a closure.
///
/// Every connection gets one answer and is closed. When the closure returns `nil` the server
/// never answers: it holds the connection open until ``stop()`` (for timeout tests).
///
/// ```swift
/// let server = try TestHTTPServer.start { request in
///     TestHTTPResponse(status: 200, body: #"{"status":"Ready"}"#)
/// }
/// defer { server.stop() }
/// ```
public final class TestHTTPServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let listener: Int32
    private let respond: @Sendable (TestHTTPRequest) -> TestHTTPResponse?
    private let state = Mutex(State())
    private let acceptLoopEnded = DispatchSemaphore(value: 0)

    private struct State {
        var requests: [TestHTTPRequest] = []
        var heldConnections: [Int32] = []
        var stopped = false
    }

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// The requests received so far, in order.
    public var requests: [TestHTTPRequest] { state.withLock { $0.requests } }

    private init(port: Int, listener: Int32, respond: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse?) {
        self.port = port
        self.listener = listener
        self.respond = respond
    }

    deinit { stop() }

    /// Starts listening on a free port of 127.0.0.1 and serving on background threads.
    public static func start(
        _ respond: @escaping @Sendable (TestHTTPRequest) -> TestHTTPResponse?
    ) throws -> TestHTTPServer {
        let descriptor = LoopbackAddress.streamSocket()
        guard descriptor >= 0 else { throw SystemCallError.failed("socket", errno: errno) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = LoopbackAddress.make(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 64) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard ready else {
            let code = errno
            close(descriptor)
            throw SystemCallError.failed("listening on 127.0.0.1", errno: code)
        }
        let server = TestHTTPServer(
            port: Int(UInt16(bigEndian: address.sin_port)), listener: descriptor, respond: respond)
        let thread = Thread { [server] in server.acceptLoop() }
        thread.start()
        return server
    }

    /// Stops listening, closes held connections and waits for the accept loop to end. Safe to call twice.
    public func stop() {
        let held: [Int32]? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            defer { state.heldConnections = [] }
            return state.heldConnections
        }
        guard let held else { return }
        // Wakes the blocked accept(); the loop closes the descriptor itself, so its number cannot be reused under it.
        shutdown(listener, Int32(SHUT_RDWR))
        held.forEach { _ = close($0) }
        _ = acceptLoopEnded.wait(timeout: .now() + 5)
    }

    private func acceptLoop() {
        defer {
            close(listener)
            acceptLoopEnded.signal()
        }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            // Not inherited by programs the test starts (the helpers close it too; this covers the rest).
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            if state.withLock({ $0.stopped }) {
                close(connection)
                return
            }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        var limit = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard let request = Self.readRequest(connection) else {
            close(connection)
            return
        }
        state.withLock { $0.requests.append(request) }
        guard let response = respond(request) else {
            let keep = state.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.heldConnections.append(connection)
                return true
            }
            if !keep { close(connection) }
            return
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        let body = Array(response.body.utf8)
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Self.noSignal) }
            if count <= 0 { break }
            sent += count
        }
        close(connection)
    }

    private static func readRequest(_ connection: Int32) -> TestHTTPRequest? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end = Array("\r\n\r\n".utf8)
        func receive() -> Bool {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 || received.count > 1 << 20 { return false }
            received += buffer[..<count]
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            guard receive() else { return nil }
            headEnd = received.firstWindow(equalTo: end).map { $0 + end.count }
        }
        guard let head = headEnd else { return nil }
        let lines = String(decoding: received[..<head], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        // The body, when the request says how long it is.
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        while received.count < head + length {
            guard receive() else { return nil }
        }
        let body = String(decoding: received[head..<(head + length)], as: UTF8.self)
        return TestHTTPRequest(method: String(first[0]), path: String(first[1]), headers: headers, body: body)
    }

    /// Writing to a peer that went away must fail, not kill the test process with SIGPIPE.
    #if os(Linux)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

extension Array where Element == UInt8 {
    /// Where the first run of consecutive bytes equal to `pattern` starts, if any.
    fileprivate func firstWindow(equalTo pattern: [UInt8]) -> Int? {
        guard count >= pattern.count else { return nil }
        for start in 0...(count - pattern.count) where self[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
