import Crypto
import Foundation
import StewardCore

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for one request, as S3 wants it: the path is
/// encoded once (never twice) and never normalized, the query is sorted by encoded name.
///
/// Pure: the same request, credentials and date always give the same signature, so the signer is
/// tested against AWS's published test suite without a network or a clock.
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
/// let signed = signer.sign(method: "GET", path: "/bucket/key", query: [], headers: [("host", "127.0.0.1:9000")],
///                          payloadHash: SigV4Signer.emptyPayloadHash, date: Date())
/// // send signed.headers
/// ```
public struct SigV4Signer: Sendable {
    /// The hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The payload hash that tells S3 the body is not part of the signature (it is streamed).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public var credentials: S3Credentials
    public var region: String
    /// `s3` for S3; the AWS test suite uses `service`.
    public var service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The outcome of signing: what to send, and the intermediate strings (for tests and debugging;
    /// neither holds the secret).
    public struct Signed: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        /// Lowercase hex HMAC.
        public var signature: String
        /// The `Authorization` header's value.
        public var authorization: String
        /// Every header to send: the request's, `x-amz-date` when it was not among them, and `authorization`.
        public var headers: [(name: String, value: String)]
    }

    /// Signs a request.
    /// - Parameters:
    ///   - path: the unencoded path (`/bucket/a key`); each segment is percent-encoded here.
    ///   - query: unencoded names and values, in any order.
    ///   - headers: the headers to sign (at least `host`); `x-amz-date` is added from `date` when absent.
    ///   - payloadHash: hex SHA-256 of the body, or ``unsignedPayload``.
    public func sign(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String,
        date: Date
    ) -> Signed {
        let amzDate = Self.amzDate(date)
        var headers = headers
        if !headers.contains(where: { $0.0.lowercased() == "x-amz-date" }) { headers.append(("x-amz-date", amzDate)) }
        let stamp = headers.first { $0.0.lowercased() == "x-amz-date" }.map(\.1) ?? amzDate
        let day = String(stamp.prefix(8))

        // Headers: lowercase names, trimmed values with inner runs of spaces collapsed, repeated names joined by commas.
        var merged = [String: [String]]()
        for (name, value) in headers { merged[name.lowercased(), default: []].append(Self.trimmed(value)) }
        let names = merged.keys.sorted()
        let canonicalHeaders: String = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let encodedQuery: [(String, String)] = query.map { (Self.encode($0.0), Self.encode($0.1)) }
        let sortedQuery = encodedQuery.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        let canonicalQuery: String = sortedQuery.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonicalURI: String = Self.encode(path, keepSlash: true)
        let canonicalRequest: String = [
            method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let requestHash: String = Hex.string(SHA256.hash(data: Data(canonicalRequest.utf8)))
        let stringToSign: String = ["AWS4-HMAC-SHA256", stamp, scope, requestHash].joined(separator: "\n")

        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Hex.string(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signed(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization,
            headers: headers.map { (name: $0.0, value: $0.1) } + [(name: "authorization", value: authorization)])
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }

    /// RFC 3986 percent-encoding of every byte but the unreserved ones (and `/` when `keepSlash`), uppercase hex.
    public static func encode(_ string: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
