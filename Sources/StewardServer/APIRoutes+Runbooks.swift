import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps

extension APIRoutes {
    /// Runbooks and their runs: list and show, run (or dry-run), approve a waiting step, cancel.
    static func addRunbookRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/runbooks") { _, _ in
            let runbooks = await controlPlane.state.stack?.runbooks ?? []
            return try JSONAnswer.response(runbooks.map(RunbookSummary.init))
        }
        api.get("/runbooks/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let runbook = await controlPlane.state.stack?.runbooks.first(where: { $0.name == name }) else {
                throw APIError.notFound("no runbook '\(name)'")
            }
            return try JSONAnswer.response(RunbookSummary(runbook))
        }
        api.post("/runbooks/:name/runs") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONAnswer.decode(RunbookRunRequest.self, from: request)
            if body.dryRun == true {
                let steps = try await mapErrors {
                    try await controlPlane.dryRunRunbook(name, environment: body.environment, from: body.from)
                }
                return try JSONAnswer.response(RunbookDryRunAnswer(runbook: name, environment: body.environment, steps: steps))
            }
            let run = try await mapErrors {
                try await controlPlane.startRunbook(name, environment: body.environment, from: body.from, actor: context.actor)
            }
            return try JSONAnswer.response(run, status: .accepted)
        }
        api.get("/runbook-runs") { request, _ in
            let environment = try request.textParameter("environment")
            let runs = await controlPlane.state.runbookRuns.values
                .filter { environment == nil || $0.environment == environment }
                .sorted { $0.id > $1.id }
            return try JSONAnswer.response(Array(runs))
        }
        api.get("/runbook-runs/:id") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            guard let run = await controlPlane.state.runbookRuns[id] else { throw APIError.notFound("no runbook run \(id)") }
            return try JSONAnswer.response(run)
        }
        api.post("/runbook-runs/:id/approve") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            let run = try await mapErrors { try await controlPlane.approveRunbookRun(id, actor: context.actor) }
            return try JSONAnswer.response(run, status: .accepted)
        }
        api.post("/runbook-runs/:id/cancel") { request, context in
            let id = try context.parameters.require("id", as: Int.self)
            let body = try await JSONAnswer.decodeIfPresent(RunbookCancelRequest.self, from: request) ?? RunbookCancelRequest()
            let run = try await mapErrors {
                try await controlPlane.cancelRunbookRun(id, reason: body.reason ?? "no reason given", actor: context.actor)
            }
            return try JSONAnswer.response(run)
        }
    }
}
