import Foundation
import StewardRuntime

/// How `steward serve` finds the traffic proxy it drives.
enum ProxyOptions {
    /// The port `steward proxy` serves its admin API on by default.
    static let defaultAdminURL = "http://127.0.0.1:7072"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The proxy client for the options given, or nil when no proxy is to be used.
    ///
    /// With neither `--proxy` nor `--proxy-token-file`, a proxy is used only when its token exists
    /// at `DATA_DIR/proxy/proxy.token` (a `steward proxy --state-dir DATA_DIR/proxy` ran there):
    /// a control plane without a proxy must keep deploying as before.
    /// - Throws: ``Failure`` when a proxy is asked for and its token cannot be read.
    static func client(url: String?, tokenFile: String?, dataDirectory: String) throws -> ProxyClient? {
        let defaultTokenFile = dataDirectory + "/proxy/proxy.token"
        if url == nil, tokenFile == nil, !FileManager.default.fileExists(atPath: defaultTokenFile) { return nil }
        let path = tokenFile ?? defaultTokenFile
        guard let token = try? String(contentsOfFile: path, encoding: .utf8), !token.isEmpty else {
            throw Failure(description: "cannot read the proxy token at \(path); start `steward proxy` first or pass --proxy-token-file")
        }
        return ProxyClient(baseURL: url ?? defaultAdminURL, token: token.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
