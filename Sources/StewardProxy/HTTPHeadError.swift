/// Why a request or response head (or a chunked body's framing) was refused.
///
/// The proxy answers a client's bad request with 400 and closes the connection; a bad answer of
/// an upstream counts as that upstream failing (502). ``description`` says what was wrong.
struct HTTPHeadError: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    static let tooLong = HTTPHeadError("the head is longer than \(HTTPHeadParser.maximumHeadBytes / 1024) KiB")
    static let bareLineFeed = HTTPHeadError("a line ends with LF alone; expected CR LF")
    static let obsoleteFolding = HTTPHeadError("a header line starts with a space or tab (obsolete line folding)")
    static let badRequestLine = HTTPHeadError("the request line is not 'METHOD target HTTP/1.x'")
    static let badStatusLine = HTTPHeadError("the status line is not 'HTTP/1.x code reason'")
    static let badHeaderName = HTTPHeadError("a header name is empty or has a character outside token characters")
    static let missingColon = HTTPHeadError("a header line has no ':' after its name")
    static let badHeaderValue = HTTPHeadError("a header value holds a control character (NUL, CR or another)")
    static let lengthAndChunked = HTTPHeadError("the head has both Content-Length and Transfer-Encoding")
    static let badContentLength = HTTPHeadError("Content-Length is not a non-negative decimal number")
    static let differingContentLengths = HTTPHeadError("the head has several differing Content-Length values")
    static let badTransferEncoding = HTTPHeadError("Transfer-Encoding does not end with a single 'chunked'")
    static let badChunk = HTTPHeadError("the chunked body is not framed as chunk-size CR LF data CR LF")
}
