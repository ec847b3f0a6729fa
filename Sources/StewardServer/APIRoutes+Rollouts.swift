import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps
import StewardStore

extension APIRoutes {
    /// The windows `GET …/metrics?window=` accepts: what the proxy keeps (whole seconds, 1 s to 15 min).
    static let metricsWindows = TimeSpan.seconds(1)...TimeSpan.minutes(15)

    static func addRolloutRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/deployments/:id/metrics") { request, context in
            let id = try context.parameters.require("id", as: Int.self)
            let window = try windowParameter(of: request) ?? .seconds(30)
            guard let deployment = controlPlane.recordedState.deployments[id] else {
                throw APIError.notFound("no deployment \(id)")
            }
            guard let provider = controlPlane.metricsProvider else {
                throw APIError.conflict(
                    "nothing measures traffic: the control plane runs without a proxy (steward serve --proxy) or Prometheus (--prometheus)")
            }
            let judgements = await controlPlane.ruleJudgements(of: id)
            do {
                return try JSONAnswer.response(
                    try await RolloutMetricsView.measure(deployment, over: window, with: provider, judgements: judgements))
            } catch {
                throw APIError(.badGateway, "cannot measure deployment \(id): \(error)")
            }
        }
    }

    /// `window=30s` or `window=5m`: whole seconds or minutes within ``metricsWindows``; else a 400 naming the parameter.
    static func windowParameter(of request: Request) throws -> TimeSpan? {
        guard let text = try request.textParameter("window", maxLength: 16) else { return nil }
        guard let last = text.last, last == "s" || last == "m", let number = Int64(text.dropLast()), number > 0,
            metricsWindows.contains(last == "s" ? .seconds(number) : .minutes(number))
        else {
            throw APIError.badRequest("query parameter 'window' is '\(text)'; expected whole seconds or minutes from 1s to 15m, e.g. 30s or 5m")
        }
        return last == "s" ? .seconds(number) : .minutes(number)
    }

    /// Whether the log holds a `deployment.rule-failed` fact of deployment `id`: a rule rolled it back.
    static func ruleFailed(_ id: Int, in log: EventLog) throws -> Bool {
        try !log.latestEvents(limit: 1, typePrefix: "deployment.rule-failed", subjectPrefix: "deployment/\(id)").isEmpty
    }
}

/// A deployment as `GET /api/v1/deployments/{id}` answers it: the deployment, plus
/// `"ruleFailed": true` once a rule (a rollback rule or an analysis step's) rolled it back.
struct DeploymentAnswer: Encodable {
    enum CodingKeys: String, CodingKey { case ruleFailed }

    var deployment: Deployment
    var ruleFailed: Bool

    func encode(to encoder: any Encoder) throws {
        try deployment.encode(to: encoder)
        if ruleFailed {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(true, forKey: .ruleFailed)
        }
    }
}
