import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A range of a file as a stream of buffers, read 256 KiB at a time as the HTTP client asks for
/// them: an upload body that never holds the file in memory.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64

    final class AsyncIterator: AsyncIteratorProtocol {
        private let path: String
        private var position: Int64
        private let end: Int64
        private var fd: Int32 = -1

        init(path: String, offset: Int64, length: Int64) {
            self.path = path
            self.position = offset
            self.end = offset + length
        }

        deinit { if fd >= 0 { close(fd) } }

        func next() async throws -> ByteBuffer? {
            guard position < end else {
                if fd >= 0 { close(fd); fd = -1 }
                return nil
            }
            if fd < 0 {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else {
                    throw BackupError(.failed, "cannot open \(path): \(String(cString: strerror(errno)))")
                }
            }
            let want = Int(Swift.min(256 * 1024, end - position))
            var buffer = ByteBufferAllocator().buffer(capacity: want)
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { bytes in
                while true {
                    let n = pread(fd, bytes.baseAddress!, want, off_t(position))
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { throw BackupError(.failed, "cannot read \(path): \(String(cString: strerror(errno)))") }
                    return n
                }
            }
            guard count > 0 else { throw BackupError(.failed, "\(path) ended before its expected size") }
            position += Int64(count)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(path: path, offset: offset, length: length) }
}
