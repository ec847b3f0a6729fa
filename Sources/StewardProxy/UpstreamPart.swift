import NIOCore

/// What an upstream connection hands the client connection that owns it, in order.
enum UpstreamPart {
    /// An interim answer (100 Continue, 103 Early Hints), passed on as its bytes; the final one follows.
    case interim(ResponseHead)
    case head(ResponseHead)
    case body(ByteBuffer)
    /// The answer is complete.
    case end
}
