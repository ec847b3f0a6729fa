/// Appends bytes into memory reserved in advance: a whole head is written with one capacity
/// check (``NIOCore/ByteBuffer/writeWithUnsafeMutableBytes(minimumWritableBytes:_:)``) instead of
/// one per piece.
struct ByteAppender {
    private let target: UnsafeMutableRawBufferPointer
    /// Bytes appended so far.
    private(set) var count = 0

    init(_ target: UnsafeMutableRawBufferPointer) { self.target = target }

    /// - Precondition: the reserved memory has room for `bytes` (the caller reserves an upper bound).
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(count + bytes.count <= target.count, "ByteAppender: the reserved memory is full")
        (target.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(string text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }
}
