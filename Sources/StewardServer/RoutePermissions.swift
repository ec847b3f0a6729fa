import StewardHTTP

/// Who may call each route of the control plane's API: the one table of permissions.
///
/// Every protected route (`METHOD /path/{parameter}`, as `Router.routes` names it) maps to the
/// lowest role it needs and to where the environment it acts on comes from. A route missing
/// from the table is refused to everyone (default deny), and a test holds the table against the
/// router's routes, so a new route cannot ship without a line here.
///
/// The environment rule: the role is needed in the request's environment when the route names
/// one (``Permission/Source``); when the route names none, or the request leaves it out or it
/// cannot be found (an unknown deployment, a body that is not JSON), the role is needed in
/// **every** environment of the stack. A role granted without `@ENV` counts in every
/// environment, so a global `viewer` reads everything while `viewer@staging` alone reads only
/// what is scoped to staging. With no stack loaded, only roles granted without `@ENV` count.
public enum RoutePermissions {
    /// The lowest role a route needs and where its environment comes from.
    public struct Permission: Sendable, Equatable {
        /// Where a request names its environment.
        public enum Source: Sendable, Equatable {
            /// Nowhere: the role is needed in every environment.
            case none
            /// The string field `environment` of the JSON body.
            case body
            /// The query parameter `environment`.
            case query
            /// The environment of the deployment whose id is this path parameter.
            case deployment(parameter: String)
            /// The environment of the runbook run whose id is this path parameter.
            case runbookRun(parameter: String)
            /// The environment of the backup whose id is this path parameter.
            case backup(parameter: String)
            /// The environment of the drill whose id is this path parameter.
            case drill(parameter: String)
            /// The path parameter itself names the environment.
            case path(parameter: String)
        }

        public var role: Role
        public var environment: Source

        public init(_ role: Role, _ environment: Source = .none) {
            self.role = role
            self.environment = environment
        }
    }

    /// The permission of every protected route, by `METHOD /path/template`.
    public static let table: [String: Permission] = [
        // Reads: viewer.
        "GET /api/v1/status": .init(.viewer),
        "GET /api/v1/stack": .init(.viewer),
        "GET /api/v1/services": .init(.viewer),
        "GET /api/v1/services/{name}": .init(.viewer),
        "GET /api/v1/environments": .init(.viewer),
        "GET /api/v1/releases": .init(.viewer, .query),
        "GET /api/v1/deployments": .init(.viewer),
        "GET /api/v1/deployments/{id}": .init(.viewer, .deployment(parameter: "id")),
        "GET /api/v1/deployments/{id}/metrics": .init(.viewer, .deployment(parameter: "id")),
        "GET /api/v1/instances": .init(.viewer, .query),
        "GET /api/v1/events": .init(.viewer),
        "GET /api/v1/audit/verify": .init(.viewer),
        "GET /api/v1/services/{name}/logs": .init(.viewer, .query),
        // Changing what runs: deployer.
        "POST /api/v1/deployments": .init(.deployer, .body),
        "POST /api/v1/rollbacks": .init(.deployer, .body),
        "POST /api/v1/deployments/{id}/abort": .init(.deployer, .deployment(parameter: "id")),
        "POST /api/v1/deployments/{id}/promote": .init(.deployer, .deployment(parameter: "id")),
        // Pausing and resuming a rollout change what runs like promote and abort: deployer.
        "POST /api/v1/deployments/{id}/pause": .init(.deployer, .deployment(parameter: "id")),
        "POST /api/v1/deployments/{id}/resume": .init(.deployer, .deployment(parameter: "id")),
        // A promotion deploys to the target environment, named `environment` in the body.
        "POST /api/v1/promotions": .init(.deployer, .body),
        // Approving a deployment that waits for approvals: approvers (Role.swift: "approves promotions"),
        // in its environment; the requester's own approval is refused whatever their role.
        "POST /api/v1/deployments/{id}/approve": .init(.approver, .deployment(parameter: "id")),
        "POST /api/v1/services/{name}/stop": .init(.deployer, .body),
        // Start undoes a stop and down is a stop of each service: the same role as stop.
        "POST /api/v1/services/{name}/start": .init(.deployer, .body),
        "POST /api/v1/environments/{name}/down": .init(.deployer, .path(parameter: "name")),
        // Day-2 operations on what runs (Role: operator restarts and scales).
        "POST /api/v1/services/{name}/restart": .init(.operator, .body),
        "POST /api/v1/services/{name}/scale": .init(.operator, .body),
        // The stack, users and tokens: admin.
        "PUT /api/v1/stack": .init(.admin),
        "GET /api/v1/users": .init(.admin),
        "POST /api/v1/users": .init(.admin),
        "DELETE /api/v1/users/{name}": .init(.admin),
        "GET /api/v1/tokens": .init(.admin),
        "POST /api/v1/tokens": .init(.admin),
        "DELETE /api/v1/tokens/{id}": .init(.admin),
        // The secrets vault (names and versions only, never values): operator.
        "GET /api/v1/secrets": .init(.operator, .query),
        "PUT /api/v1/secrets/{name}": .init(.operator, .body),
        "POST /api/v1/secrets/{name}/rotate": .init(.operator, .body),
        "DELETE /api/v1/secrets/{name}": .init(.operator, .query),
        // Runbooks: anyone reads them; operators run and cancel; approvers approve a waiting step.
        "GET /api/v1/runbooks": .init(.viewer),
        "GET /api/v1/runbooks/{name}": .init(.viewer),
        "POST /api/v1/runbooks/{name}/runs": .init(.operator, .body),
        "GET /api/v1/runbook-runs": .init(.viewer, .query),
        "GET /api/v1/runbook-runs/{id}": .init(.viewer, .runbookRun(parameter: "id")),
        "POST /api/v1/runbook-runs/{id}/approve": .init(.approver, .runbookRun(parameter: "id")),
        "POST /api/v1/runbook-runs/{id}/cancel": .init(.operator, .runbookRun(parameter: "id")),
        // Backups: anyone reads them; operators take and verify them. Restore replaces a live
        // database and prune deletes the way back: operator too, because restoring is the
        // operator's recovery job (the guides' on-call runs it), and each asks for a typed
        // confirmation in the CLI, keeps the replaced database, and never deletes the newest
        // verified backup; the events say who did it.
        "GET /api/v1/backups": .init(.viewer, .query),
        "GET /api/v1/backups/{id}": .init(.viewer, .backup(parameter: "id")),
        "GET /api/v1/backups/schedules": .init(.viewer, .query),
        "POST /api/v1/backups": .init(.operator, .body),
        "POST /api/v1/backups/{id}/verify": .init(.operator, .backup(parameter: "id")),
        "POST /api/v1/backups/{id}/restore": .init(.operator, .backup(parameter: "id")),
        "POST /api/v1/backups/prune": .init(.operator, .body),
        // Migrations: anyone reads where they stand; operators apply and revert them (like
        // backups, a day-2 change of a database; a verified backup comes first where the
        // environment says so, and the events say who ran what).
        "GET /api/v1/migrations/{dependency}": .init(.viewer, .query),
        "POST /api/v1/migrations/{dependency}/up": .init(.operator, .body),
        "POST /api/v1/migrations/{dependency}/down": .init(.operator, .body),
        // Disaster-recovery drills: anyone reads one; operators run them (like a backup's verify, the
        // on-call's recovery work: it restores into a scratch cluster and starts instances beside the
        // real ones, never touching them, and the events say who ran it).
        "GET /api/v1/drills": .init(.viewer, .query),
        "GET /api/v1/drills/{id}": .init(.viewer, .drill(parameter: "id")),
        "POST /api/v1/drills": .init(.operator, .body),
        // Bucket mirrors: anyone reads them; operators sync and restore them, as they take and
        // restore backups. A mirror belongs to the stack, not to an environment, so the role is
        // needed in every environment. A restore never deletes anything in its target.
        "GET /api/v1/mirrors": .init(.viewer),
        "GET /api/v1/mirrors/{name}": .init(.viewer),
        "POST /api/v1/mirrors/{name}/sync": .init(.operator),
        "POST /api/v1/mirrors/{name}/restore": .init(.operator),
    ]
}
