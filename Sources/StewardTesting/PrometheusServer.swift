import Foundation

/// A real `prometheus` (the Debian package) for one test, on a free port of 127.0.0.1, scraping
/// one target every second into a temporary database.
///
/// ```swift
/// let prometheus = try await PrometheusServer.start(scraping: "127.0.0.1:7072", bearerToken: token)
/// defer { prometheus.stop() }
/// ```
///
/// It is also stopped when the last reference goes away, but `defer` makes the moment explicit.
public final class PrometheusServer: Sendable {
    /// Where the Debian `prometheus` package installs the server.
    static let executable = "/usr/bin/prometheus"

    /// The port of its HTTP API (127.0.0.1).
    public let port: Int
    /// The server's temporary directory: `prometheus.yml`, the token file, `data/`, `prometheus.log`.
    public let directory: String
    private let server: ServerProcess

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, directory: String, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.server = ServerProcess(process, directory: directory)
    }

    deinit { stop() }

    /// Starts `prometheus` scraping `target` every `interval` and returns once it is ready (`/-/ready`).
    ///
    /// - Parameters:
    ///   - target: `host:port` of the endpoint to scrape.
    ///   - metricsPath: the path scraped.
    ///   - bearerToken: sent with each scrape (`authorization.credentials_file`), as the proxy's `/metrics` wants.
    ///   - interval: the scrape interval, in whole seconds.
    /// - Throws: when the server is not installed, exits, or is not ready within 30 seconds.
    public static func start(
        scraping target: String, metricsPath: String = "/metrics", bearerToken: String? = nil,
        interval: Duration = .seconds(1)
    ) async throws -> PrometheusServer {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CommandFailed(
                command: [executable], status: -1,
                output: "prometheus is not installed: apt-get install prometheus (.ci/run installs it)")
        }
        let temporary = try TemporaryDirectory(prefix: "steward-prometheus")
        let seconds = max(1, interval.components.seconds)
        var authorization = ""
        if let bearerToken {
            let tokenPath = temporary.path + "/scrape.token"
            try Data(bearerToken.utf8).write(to: URL(fileURLWithPath: tokenPath))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenPath)
            authorization = "    authorization:\n      credentials_file: \(tokenPath)\n"
        }
        let configuration = """
            global:
              scrape_interval: \(seconds)s
              scrape_timeout: \(seconds)s
              evaluation_interval: \(seconds)s
            scrape_configs:
              - job_name: steward
                metrics_path: \(metricsPath)
            \(authorization)    static_configs:
                  - targets: ["\(target)"]

            """
        let configPath = temporary.path + "/prometheus.yml"
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: configPath))
        let logPath = temporary.path + "/prometheus.log"
        var lastError: (any Error)?
        // A free port can be taken between choosing and binding it; try a few.
        for _ in 0..<3 {
            let port = try FreePort.next()
            let arguments = [
                executable, "--config.file=\(configPath)", "--storage.tsdb.path=\(temporary.path)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ]
            do {
                if !FileManager.default.fileExists(atPath: logPath) {
                    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
                }
                let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
                log.seekToEndOfFile()
                defer { try? log.close() }
                let child = try ChildProcess.spawn(arguments, output: log.fileDescriptor)
                do {
                    try await eventually(timeout: .seconds(30), pollEvery: .milliseconds(50), "prometheus on port \(port) is ready") {
                        if let status = child.exitStatus() { throw ServerExited(status: status) }
                        return try RawHTTP.status(port: port, method: "GET", target: "/-/ready") == 200
                    }
                } catch {
                    child.terminate(grace: .seconds(2))
                    throw error
                }
                return PrometheusServer(port: port, directory: temporary.path, process: child)
            } catch {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                lastError = CommandFailed(command: arguments, status: -1, output: "\(error)\n\(log)")
            }
        }
        temporary.remove()
        throw lastError!
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 seconds), reaps it and deletes its directory.
    /// Safe to call twice.
    public func stop() { server.stop() }
}
