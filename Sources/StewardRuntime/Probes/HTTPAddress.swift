/// Builds addresses for messages and requests, bracketing IPv6 literals.
enum HTTPAddress {
    /// `host:port`, or `[host]:port` for an IPv6 literal.
    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `http://host:port/path`, adding the leading slash when the path lacks one.
    static func url(host: String, port: Int, path: String) -> String {
        "http://\(hostPort(host, port))\(path.hasPrefix("/") ? path : "/" + path)"
    }
}
