import AsyncHTTPClient
import Logging
import NIOCore
import NIOPosix
import StewardCore

/// Runs resolved runbook steps. One value shared by runs; safe to use concurrently.
///
/// Every step kind is one method that never throws: whatever goes wrong (a bad URL, a refused
/// connection, a timeout, an error from the server) becomes a failed ``RunbookStepResult`` whose
/// `error` says what in one line. Each call is bounded by its timeout, connecting included, and
/// leaves nothing behind: connections are closed and processes reaped before it answers.
/// Messages never carry a URL's password. A timeout longer than ``longestTimeout`` counts as that.
public struct RunbookStepRunner: Sendable {
    let eventLoopGroup: any EventLoopGroup
    let httpClient: HTTPClient
    /// Statements and commands may hold resolved secrets: the drivers must never log them.
    let logger = Logger(label: "steward.runbook", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A runner on `eventLoopGroup` (Redis and PostgreSQL connections) sending HTTP requests with `httpClient`.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        httpClient: HTTPClient = RunbookStepRunner.sharedHTTPClient
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.httpClient = httpClient
    }

    /// The HTTP client of every runner: a refused connection is an answer, not retried until the
    /// timeout, and a redirect is reported as the step's status rather than followed.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The longest a step may take: no clock can wait for "forever" (`.seconds(.max)`), and no step should.
    public static let longestTimeout: Duration = .seconds(7 * 24 * 3600)

    /// `timeout` within zero and ``longestTimeout``.
    static func limited(_ timeout: Duration) -> Duration {
        min(max(timeout, .zero), longestTimeout)
    }

    /// `timeout` as the stack file writes spans ("2s", "250ms"), in whole milliseconds (at least one).
    static func span(_ timeout: Duration) -> TimeSpan {
        let nanoseconds = Int64(TimeAmount(clamping: timeout).nanoseconds)
        return TimeSpan(milliseconds: max(nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1), 1))
    }

    /// Runs `operation` within `limit`: its result, a failure naming the timeout (`reportedAs`,
    /// else `limit`), or one for cancellation.
    ///
    /// Errors that are already sentences (``ProbeFailure``) are kept; network errors become one.
    static func bounded(
        _ limit: Duration, reportedAs timeout: TimeSpan? = nil, describing what: String,
        _ operation: @escaping @Sendable () async throws -> RunbookStepResult
    ) async -> RunbookStepResult {
        let span = timeout ?? span(limit)
        do {
            guard let result = try await Deadline.run(within: limit, operation) else {
                return .failure("timed out after \(span) (\(what))")
            }
            return result
        } catch let failure as ProbeFailure {
            return .failure(failure.description)
        } catch is CancellationError {
            return .failure("cancelled (\(what))")
        } catch {
            return .failure(ConnectionErrorText.describe(error, context: what, timeout: span))
        }
    }
}
