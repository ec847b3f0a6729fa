import Foundation

/// Where an S3-compatible server is and how to sign for it: an endpoint (path-style URLs,
/// `http://127.0.0.1:9000` or `https://s3.eu-west-1.amazonaws.com`), a region and credentials.
///
/// The description shows the endpoint and the region only.
public struct S3Connection: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    public var host: String
    public var port: Int?
    public var region: String
    public var credentials: S3Credentials

    /// - Parameter endpoint: `http(s)://host[:port]`, without user info (any path is ignored).
    /// - Throws: ``BackupError/Kind/invalid`` for an endpoint that is not an http(s) URL with a host.
    public init(endpoint: String, region: String = "us-east-1", credentials: S3Credentials) throws {
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw BackupError(.invalid, "the S3 endpoint '\(endpoint)' is not an http(s)://HOST[:PORT] URL")
        }
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw BackupError(.invalid, "the S3 region '\(region)' is not a region name (letters, digits and '-')")
        }
        self.scheme = scheme
        self.host = host
        self.port = components.port
        self.region = region
        self.credentials = credentials
    }

    /// A connection and a bucket from an `s3` dependency's URL:
    /// `http(s)://ACCESS_KEY_ID:SECRET@host[:port]/BUCKET[?region=REGION]` (region defaults to `us-east-1`).
    ///
    /// The user info is split at the last `@` and the first `:`, so a secret with `/` or `+` (as AWS
    /// secrets have) works written as it is; one containing `%` is percent-decoded. Without user
    /// info the credentials come from `fallback` (the control plane's `AWS_ACCESS_KEY_ID` /
    /// `AWS_SECRET_ACCESS_KEY`). Error messages never repeat the user info.
    /// - Returns: the connection and the URL's first path segment (nil when it has none).
    public static func parse(dependencyURL url: String, fallback: S3Credentials? = nil) throws -> (
        connection: S3Connection, bucket: String?
    ) {
        guard let schemeEnd = url.range(of: "://") else {
            throw BackupError(.invalid, "an S3 URL must look like http(s)://KEY:SECRET@HOST:PORT/BUCKET")
        }
        let scheme = String(url[..<schemeEnd.lowerBound])
        var rest = url[schemeEnd.upperBound...]
        var credentials = fallback
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw BackupError(.invalid, "the S3 URL's user info must be ACCESS_KEY_ID:SECRET (\(scheme)://…@\(rest))")
            }
            var id = String(userInfo[..<colon])
            var secret = String(userInfo[userInfo.index(after: colon)...])
            if id.contains("%") { id = id.removingPercentEncoding ?? id }
            if secret.contains("%") { secret = secret.removingPercentEncoding ?? secret }
            guard !id.isEmpty, !secret.isEmpty else {
                throw BackupError(.invalid, "the S3 URL's user info must be ACCESS_KEY_ID:SECRET, both not empty")
            }
            credentials = S3Credentials(accessKeyID: id, secretAccessKey: secret)
        }
        let safe = "\(scheme)://\(rest)"
        guard let components = URLComponents(string: safe) else {
            throw BackupError(.invalid, "'\(safe)' is not a URL")
        }
        guard let credentials else {
            throw BackupError(
                .invalid,
                "no S3 credentials for \(safe): put ACCESS_KEY_ID:${secret:NAME}@ in the URL or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        let region = components.queryItems?.first { $0.name == "region" }?.value ?? "us-east-1"
        let endpoint = "\(scheme)://\(components.host ?? "")" + (components.port.map { ":\($0)" } ?? "")
        let connection = try S3Connection(endpoint: endpoint, region: region, credentials: credentials)
        let bucket = components.path.split(separator: "/").first.map(String.init)
        return (connection, bucket)
    }

    /// A connection from the standard variables: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`, default `us-east-1`) and `AWS_ENDPOINT_URL_S3` (or
    /// `AWS_ENDPOINT_URL`, default `https://s3.REGION.amazonaws.com`).
    public static func fromEnvironment(_ environment: [String: String]) throws -> S3Connection {
        guard let credentials = S3Credentials.fromEnvironment(environment) else {
            throw BackupError(
                .invalid, "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use an s3 dependency")
        }
        let region = [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]].compactMap { $0 }
            .first { !$0.isEmpty } ?? "us-east-1"
        let endpoint = [environment["AWS_ENDPOINT_URL_S3"], environment["AWS_ENDPOINT_URL"]].compactMap { $0 }
            .first { !$0.isEmpty } ?? "https://s3.\(region).amazonaws.com"
        return try S3Connection(endpoint: endpoint, region: region, credentials: credentials)
    }

    /// `host` or `host:port`, as signed and sent in `Host`.
    var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return bracketed }
        return "\(bracketed):\(port)"
    }

    /// `scheme://host[:port]`.
    public var endpoint: String { "\(scheme)://\(hostHeader)" }

    public var description: String { "\(endpoint) (\(region))" }
}
