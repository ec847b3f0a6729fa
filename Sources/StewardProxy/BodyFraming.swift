/// How a message's body is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    /// No body.
    case none
    /// Exactly this many bytes (more than 0).
    case length(Int)
    /// Chunked transfer coding, passed on as it is framed.
    case chunked
    /// Everything until the connection closes (responses only).
    case untilClose
}
