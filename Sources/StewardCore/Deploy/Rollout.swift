import Foundation

/// How a blue/green or canary deployment hands traffic to its new release, step by step.
///
/// A rolling deployment has no rollout: it replaces instances batch by batch and the traffic
/// follows the ready instances. A rollout starts every new instance first, beside the old
/// ones and without traffic, then walks its ``steps`` once all are ready. The old release
/// keeps serving (and stays warm for ``keepPrevious`` after the switch), so going back is a
/// weight change, not a restart.
///
/// - Blue/green: `smoke` (when the stack declares smoke commands), then `weight 100`.
/// - Canary: the stack's steps, then `weight 100` when the last weight is lower.
public struct Rollout: Sendable, Equatable {
    /// One step of a rollout.
    ///
    /// JSON: `{"smoke":true}`, `{"weight":10}`, `{"pause":"30s"}` (`null`: until promoted), or
    /// `{"analysis":["error_rate > 5% for 1m"]}`, each rule as written in the stack file.
    public enum Step: Sendable, Equatable, CustomStringConvertible {
        /// Run the smoke commands against the new release (reached through the header override).
        case smoke
        /// Send this share (0–100 %) of the traffic to the new release.
        case weight(Int)
        /// Wait this long, or until a person promotes when nil.
        case pause(TimeSpan?)
        /// Wait until the rules pass on the new release's traffic; a failing rule rolls back.
        case analysis([MetricRule])

        public var description: String {
            switch self {
            case .smoke: "smoke"
            case .weight(let weight): "weight \(weight)%"
            case .pause(let span?): "pause \(span)"
            case .pause(nil): "pause until promoted"
            case .analysis(let rules): "analysis: " + rules.map(\.source).joined(separator: ", ")
            }
        }
    }

    /// `blue-green` or `canary`.
    ///
    /// JSON: `{"strategy":"canary", "steps":[…], "rollbackRules":["p95 > 3s for 5m"], "keepPreviousMs":300000}`.
    public var strategy: DeployPolicy.Strategy
    public var steps: [Step]
    /// Rules checked whenever the new release takes traffic; one failing rolls back at once.
    public var rollbackRules: [MetricRule]
    /// How long the previous release stays running, without traffic, after the switch.
    public var keepPrevious: TimeSpan

    public init(strategy: DeployPolicy.Strategy, steps: [Step], rollbackRules: [MetricRule] = [], keepPrevious: TimeSpan) {
        self.strategy = strategy
        self.steps = steps
        self.rollbackRules = rollbackRules
        self.keepPrevious = keepPrevious
    }

    /// The steps when the stack asks for a canary but lists none: 10 %, a minute, 50 %, a minute.
    public static let defaultCanarySteps: [Step] = [.weight(10), .pause(.minutes(1)), .weight(50), .pause(.minutes(1))]

    /// The rollout a deploy policy asks for; nil for a rolling deployment.
    ///
    /// - Parameter strategy: the strategy to use instead of the policy's (`steward deploy --strategy`).
    public static func planned(by policy: DeployPolicy, strategy: DeployPolicy.Strategy? = nil) -> Rollout? {
        switch strategy ?? policy.strategy {
        case .rolling:
            return nil
        case .blueGreen:
            return Rollout(
                strategy: .blueGreen, steps: (policy.smoke.isEmpty ? [] : [.smoke]) + [.weight(100)],
                rollbackRules: policy.rollbackRules, keepPrevious: policy.keepPrevious)
        case .canary:
            var steps: [Step] = policy.canary.map { $0.steps.map(Step.init) } ?? defaultCanarySteps
            let lastWeight = steps.reduce(0) { last, step in if case .weight(let weight) = step { weight } else { last } }
            if lastWeight < 100 { steps.append(.weight(100)) }
            return Rollout(strategy: .canary, steps: steps, rollbackRules: policy.rollbackRules, keepPrevious: policy.keepPrevious)
        }
    }

    /// The name the traffic proxy gives the new release, and that `X-Steward-Release` selects.
    public var releaseName: String { strategy == .blueGreen ? "green" : "canary" }

    /// How long an analysis step may take to pass before the deployment fails: ten times its
    /// longest window, at least a minute. No data never passes, so a canary without traffic ends here.
    public static func analysisTimeout(_ rules: [MetricRule]) -> TimeSpan {
        let longest = rules.map(\.duration.milliseconds).max() ?? 0
        return .milliseconds(max(longest * 10, TimeSpan.minutes(1).milliseconds))
    }
}

extension Rollout.Step {
    /// The rollout step of a stack file's canary step.
    init(_ step: CanaryPolicy.Step) {
        switch step {
        case .weight(let weight): self = .weight(weight)
        case .pause(let span): self = .pause(span)
        case .analysis(let rules): self = .analysis(rules)
        }
    }
}

extension Rollout: Codable {
    enum CodingKeys: String, CodingKey { case strategy, steps, rollbackRules, keepPreviousMs }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .strategy)
        guard let strategy = DeployPolicy.Strategy(rawValue: name), strategy != .rolling else {
            throw DecodingError.dataCorruptedError(
                forKey: .strategy, in: container, debugDescription: "'\(name)' is not a rollout strategy")
        }
        self.strategy = strategy
        steps = try container.decode([Step].self, forKey: .steps)
        rollbackRules = try container.decode([String].self, forKey: .rollbackRules).map(MetricRule.decoding)
        keepPrevious = .milliseconds(try container.decode(Int64.self, forKey: .keepPreviousMs))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(strategy.rawValue, forKey: .strategy)
        try container.encode(steps, forKey: .steps)
        try container.encode(rollbackRules.map(\.source), forKey: .rollbackRules)
        try container.encode(keepPrevious.milliseconds, forKey: .keepPreviousMs)
    }
}

extension Rollout.Step: Codable {
    enum CodingKeys: String, CodingKey { case smoke, weight, pause, analysis }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.smoke) {
            self = .smoke
        } else if let weight = try container.decodeIfPresent(Int.self, forKey: .weight) {
            self = .weight(weight)
        } else if container.contains(.pause) {
            let text = try container.decodeIfPresent(String.self, forKey: .pause)
            guard let text else { self = .pause(nil); return }
            guard let span = TimeSpan(parsing: text) else {
                throw DecodingError.dataCorruptedError(forKey: .pause, in: container, debugDescription: "'\(text)' is not a span")
            }
            self = .pause(span)
        } else if let rules = try container.decodeIfPresent([String].self, forKey: .analysis) {
            self = .analysis(try rules.map(MetricRule.decoding))
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a rollout step needs smoke, weight, pause or analysis"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .smoke: try container.encode(true, forKey: .smoke)
        case .weight(let weight): try container.encode(weight, forKey: .weight)
        case .pause(let span): try container.encode(span?.description, forKey: .pause)
        case .analysis(let rules): try container.encode(rules.map(\.source), forKey: .analysis)
        }
    }
}

extension MetricRule {
    /// A rule read back from the log, where it is kept as written in the stack file.
    static func decoding(_ text: String) throws -> MetricRule {
        do {
            return try MetricRule(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "rule '\(text)': \(error)"))
        }
    }
}
