#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-syscall answer to "is anything listening on this loopback port yet?".
///
/// Why: while an instance starts it is probed on a fast cadence, and until it listens every
/// probe is refused. Finding that out through the HTTP client costs tasks, event-loop hops
/// and allocations per attempt, CPU taken from the very process that is starting on a small
/// machine. A non-blocking `connect(2)` to loopback is refused at once, so the prober can skip
/// the full attempt and report the same failure.
enum RefusalCheck {
    /// True when `127.0.0.1:port` refuses connections right now; false when something accepts
    /// them, or when the answer is not immediate (then the full probe decides).
    static func refuses(loopbackPort port: Int) -> Bool {
        guard (1...65535).contains(port) else { return false }
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result == 0 { return false }
        if errno == ECONNREFUSED { return true }
        guard errno == EINPROGRESS else { return false }
        // On loopback the refusal is already there once connect returns: look without waiting.
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else { return false }
        return failure == ECONNREFUSED
    }
}
