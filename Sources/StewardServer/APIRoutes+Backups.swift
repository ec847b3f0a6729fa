import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps
import StewardRuntime

extension APIRoutes {
    /// Backups of PostgreSQL dependencies: list and show, create, verify, restore (202: the work runs
    /// as a job; poll `GET /backups/{id}`), and prune by retention.
    static func addBackupRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        api.get("/backups") { request, _ in
            let environment = try request.textParameter("environment")
            let views = try await mapErrors { try await controlPlane.backups(environment: environment) }
            return try JSONAnswer.response(views)
        }
        api.post("/backups") { request, context in
            let body = try await JSONAnswer.decode(BackupCreateRequest.self, from: request)
            let operation = try await mapErrors {
                try await controlPlane.createBackup(
                    dependency: body.dependency, environment: body.environment, actor: context.actor)
            }
            return try JSONAnswer.response(operation, status: .accepted)
        }
        // Registered before `/backups/:id` routes so the constant paths are never read as an id.
        api.get("/backups/schedules") { request, _ in
            let environment = try request.textParameter("environment")
            return try JSONAnswer.response(await controlPlane.schedules(environment: environment))
        }
        api.post("/backups/prune") { request, context in
            let body = try await JSONAnswer.decode(BackupPruneRequest.self, from: request)
            let dryRun = body.dryRun ?? false
            let items = try await mapErrors {
                try await controlPlane.pruneBackups(environment: body.environment, dryRun: dryRun, actor: context.actor)
            }
            return try JSONAnswer.response(
                BackupPruneAnswer(
                    environment: body.environment, dryRun: dryRun, deleted: items.filter(\.deleted).count, items: items))
        }
        api.get("/backups/:id") { request, context in
            let id = try context.parameters.require("id")
            // `If-None-Match` with `waitMs`: a long poll that answers when the backup's operation
            // changes state (its byte count moves without waking it: that shows when the wait ends).
            let changes = controlPlane.backupChanges
            return try await ConditionalAnswer.response(
                to: request, generation: { changes.generation },
                waitForChange: { await changes.wait(after: $0, timeout: $1) }
            ) {
                try await mapErrors { try await controlPlane.backup(id: id) }
            }
        }
        api.post("/backups/:id/verify") { _, context in
            let id = try context.parameters.require("id")
            let operation = try await mapErrors { try await controlPlane.verifyBackup(id: id, actor: context.actor) }
            return try JSONAnswer.response(operation, status: .accepted)
        }
        api.post("/backups/:id/restore") { request, context in
            let id = try context.parameters.require("id")
            let body = try await JSONAnswer.decodeIfPresent(BackupRestoreRequest.self, from: request) ?? BackupRestoreRequest()
            let operation = try await mapErrors {
                try await controlPlane.restoreBackup(
                    id: id, into: body.database, force: body.force ?? false, actor: context.actor)
            }
            return try JSONAnswer.response(operation, status: .accepted)
        }
    }
}
