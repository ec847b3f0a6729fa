import StewardCore

/// Whether a probed target counts as passing, from the consecutive results and the probe's thresholds.
///
/// Pure: feed it results with ``record(_:spec:)``; it reports when the status flips. The status
/// starts ``Status/unknown`` and becomes passing after `successThreshold` consecutive successes or
/// failing after `failureThreshold` consecutive failures (thresholds below 1 count as 1).
public struct ProbeState: Sendable, Codable, Equatable {
    /// What the thresholds say about the target.
    public enum Status: String, Sendable, Codable, Equatable {
        /// Not enough results yet.
        case unknown
        /// The last `successThreshold` results passed (and none failed since).
        case passing
        /// The last `failureThreshold` results failed (and none passed since).
        case failing
    }

    /// A change of ``Status`` caused by one result.
    public enum Transition: String, Sendable, Codable, Equatable {
        /// The status became ``Status/passing``.
        case becamePassing
        /// The status became ``Status/failing``.
        case becameFailing
    }

    /// The current status.
    public private(set) var status: Status = .unknown
    /// Successes in a row (0 after a failure).
    public private(set) var consecutiveSuccesses = 0
    /// Failures in a row (0 after a success).
    public private(set) var consecutiveFailures = 0
    /// The most recent result, if any.
    public private(set) var lastResult: ProbeResult?

    /// A state with no results: ``Status/unknown``.
    public init() {}

    /// Whether the status is ``Status/passing``.
    public var isPassing: Bool { status == .passing }

    /// Records one result and returns the transition it causes, if any.
    @discardableResult
    public mutating func record(_ result: ProbeResult, spec: ProbeSpec) -> Transition? {
        lastResult = result
        if result.ok {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            if status != .passing && consecutiveSuccesses >= max(spec.successThreshold, 1) {
                status = .passing
                return .becamePassing
            }
        } else {
            consecutiveFailures += 1
            consecutiveSuccesses = 0
            if status != .failing && consecutiveFailures >= max(spec.failureThreshold, 1) {
                status = .failing
                return .becameFailing
            }
        }
        return nil
    }
}
