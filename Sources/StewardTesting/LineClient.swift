#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking request/response exchange over TCP on 127.0.0.1, for readiness checks of test servers.
enum LineClient {
    /// Connects to 127.0.0.1:`port`, sends `request`, and returns what arrives until the first `\r\n`
    /// (or the peer closes), waiting at most about one second for each step.
    static func exchange(port: Int, request: String) throws -> String {
        let descriptor = LoopbackAddress.streamSocket()
        guard descriptor >= 0 else { throw SystemCallError.failed("socket", errno: errno) }
        defer { close(descriptor) }
        var limit = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackAddress.make(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SystemCallError.failed("connect to 127.0.0.1:\(port)", errno: errno) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw SystemCallError.failed("send", errno: errno) }
            sent += count
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !reply.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw SystemCallError.failed("recv", errno: errno) }
            reply += buffer[..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }
}
