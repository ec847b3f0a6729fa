import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import StewardCore

/// Runs probe checks: HTTP, TCP, exec, PostgreSQL and Redis.
///
/// ``run(_:target:timeout:)`` never throws: every problem, including a timeout, becomes a failing
/// ``ProbeResult`` whose message says what went wrong. One prober serves any number of concurrent probes.
public final class Prober: Sendable {
    /// One HTTP client for every prober of the process. It is never shut down, which a process-wide
    /// client need not be, and which spares owners of a prober an async shutdown.
    /// Redirects are not followed (a 3xx is the probe's answer) and a refused connection is not retried.
    static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Response bodies are read up to this many bytes; health answers are small.
    static let maximumBodyBytes = 1 << 20

    let httpClient: HTTPClient
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// Creates a prober that logs through `logger` (database drivers log their connections at debug level).
    public init(logger: Logger = Logger(label: "steward.probe")) {
        self.httpClient = Self.sharedHTTPClient
        self.eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        self.logger = logger
    }

    /// Runs `check` once against `target` and returns within `timeout` (plus a little scheduling slack).
    ///
    /// - Parameters:
    ///   - check: what to do; `http` and `tcp` checks without a port use `target.port`.
    ///   - target: the instance's address, and the environment of `exec` checks.
    ///   - timeout: the longest the check may take; a slower check fails with "timed out after …".
    public func run(_ check: ProbeSpec.Check, target: ProbeTarget, timeout: TimeSpan) async -> ProbeResult {
        let limit = TimeSpan(milliseconds: max(timeout.milliseconds, 1))
        let clock = ContinuousClock()
        let start = clock.now
        let elapsed = { () -> Double in
            let duration = clock.now - start
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        if case .exec(let command) = check {
            // Exec enforces its own deadline: it must kill and reap the process, not just stop waiting.
            return await runExec(command, environment: target.environment ?? InstanceEnvironment.minimal(), timeout: limit)
        }
        let description = Self.describe(check, target: target)
        // Refused at once: the full attempt would say the same, at a far higher cost (see RefusalCheck).
        if let port = Self.loopbackPort(of: check, target: target), RefusalCheck.refuses(loopbackPort: port) {
            return .failed("connection refused to \(HTTPAddress.hostPort(target.host, port)) (\(description))", latency: elapsed())
        }
        do {
            let outcome = try await Deadline.run(within: limit.duration) { () async throws -> String in
                switch check {
                case .http(let http): return try await self.runHTTP(http, target: target, timeout: limit)
                case .tcp(let port): return try await self.runTCP(host: target.host, port: port ?? target.port, timeout: limit)
                case .postgres(let url): return try await self.runPostgres(url: url, timeout: limit)
                case .redis(let url): return try await self.runRedis(url: url, timeout: limit)
                case .exec: return ""  // handled above
                }
            }
            guard let message = outcome else {
                return .failed("timed out after \(limit) (\(description))", latency: Double(limit.milliseconds))
            }
            return .passed(message, latency: elapsed())
        } catch let failure as ProbeFailure {
            return .failed(failure.description, latency: elapsed())
        } catch is CancellationError {
            return .failed("cancelled (\(description))", latency: elapsed())
        } catch {
            return .failed(ConnectionErrorText.describe(error, context: description, timeout: limit), latency: elapsed())
        }
    }

    /// The port an HTTP or TCP check connects to when it targets the loopback address, else nil.
    static func loopbackPort(of check: ProbeSpec.Check, target: ProbeTarget) -> Int? {
        guard target.host == "127.0.0.1" else { return nil }
        switch check {
        case .http(let http): return http.port ?? target.port
        case .tcp(let port): return port ?? target.port
        case .exec, .postgres, .redis: return nil
        }
    }

    /// A short name of what a check talks to, for messages: "GET http://127.0.0.1:8080/healthz".
    static func describe(_ check: ProbeSpec.Check, target: ProbeTarget) -> String {
        switch check {
        case .http(let http):
            let port = http.port ?? target.port
            return "GET \(HTTPAddress.url(host: target.host, port: port ?? 0, path: http.path))"
        case .tcp(let port): return "tcp \(HTTPAddress.hostPort(target.host, port ?? target.port ?? 0))"
        case .exec(let command): return "exec \(command.joined(separator: " "))"
        case .postgres(let url): return "postgres \(URLText.redactingPassword(url))"
        case .redis(let url): return "redis \(URLText.redactingPassword(url))"
        }
    }
}
