import Foundation
import StewardTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to 127.0.0.1, for several HTTP/1.1 requests in a row (keep-alive checks).
///
/// Its blocking reads run on a queue of their own, never on the concurrency pool: the in-process
/// upstreams answer on that pool, and a pool blocked in `recv` would wait for itself.
/// Used by one test task at a time.
final class RawConnection: @unchecked Sendable {
    private let queue = DispatchQueue(label: "raw-connection")
    private let descriptor: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw RawConnectionError(description: "connect 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Sends a GET and reads its answer (framed by Content-Length): the status and the body.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        try await blocking { try self.getBlocking(path) }
    }

    /// Sends a GET without reading anything.
    func send(_ path: String) async throws {
        try await blocking { self.sendBlocking(path) }
    }

    /// Sends `text` as it is, in one write: several requests at once (pipelining).
    func sendRaw(_ text: String) async throws {
        try await blocking { _ = text.withCString { Glibc.send(self.descriptor, $0, strlen($0), 0) } }
    }

    /// Reads an answer framed by Content-Length: its status and body.
    func readAnswer() async throws -> (status: Int, body: String) {
        try await blocking { try self.readAnswerBlocking() }
    }

    /// Whether the other end closed the connection after everything read so far.
    func closedByPeer() async throws -> Bool {
        try await blocking {
            var byte: UInt8 = 0
            return self.buffered.isEmpty && recv(self.descriptor, &byte, 1, 0) == 0
        }
    }

    /// Reads an answer's head: its status and Content-Length (0 when absent).
    func readHead() async throws -> (status: Int, contentLength: Int) {
        try await blocking { try self.readHeadBlocking() }
    }

    /// Reads bytes as they come up to and including the first `marker`, as text.
    func readRaw(until marker: String) async throws -> String {
        try await blocking {
            let separator = Array(marker.utf8)
            while true {
                if let end = self.buffered.indices.dropLast(separator.count - 1).first(where: {
                    Array(self.buffered[$0..<$0 + separator.count]) == separator
                }) {
                    let text = String(decoding: self.buffered[..<(end + separator.count)], as: UTF8.self)
                    self.buffered.removeFirst(end + separator.count)
                    return text
                }
                try self.fill()
            }
        }
    }

    /// Reads and drops `count` body bytes.
    func discard(_ count: Int) async throws {
        try await blocking { try self.discardBlocking(count) }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func getBlocking(_ path: String) throws -> (status: Int, body: String) {
        sendBlocking(path)
        return try readAnswerBlocking()
    }

    private func readAnswerBlocking() throws -> (status: Int, body: String) {
        let head = try readHeadBlocking()
        while buffered.count < head.contentLength { try fill() }
        let body = String(decoding: buffered[..<head.contentLength], as: UTF8.self)
        buffered.removeFirst(head.contentLength)
        return (head.status, body)
    }

    private func sendBlocking(_ path: String) {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { Glibc.send(descriptor, $0, strlen($0), 0) }
    }

    private func readHeadBlocking() throws -> (status: Int, contentLength: Int) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            end = buffered.indices.dropLast(3).first { Array(buffered[$0..<$0 + 4]) == separator }
            if end == nil { try fill() }
        }
        let head = String(decoding: buffered[..<end!], as: UTF8.self)
        buffered.removeFirst(end! + 4)
        let lines = head.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let length = lines.dropFirst().compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        return (status, length)
    }

    private func discardBlocking(_ count: Int) throws {
        var left = count
        while left > 0 {
            if buffered.isEmpty { try fill() }
            let taken = min(left, buffered.count)
            buffered.removeFirst(taken)
            left -= taken
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        guard count > 0 else { throw RawConnectionError(description: "the connection was closed (errno \(errno))") }
        buffered += chunk[..<count]
    }
}

struct RawConnectionError: Error, CustomStringConvertible {
    var description: String
}
