/// The stack-file keys this version of Steward acts on: the one list to edit when a feature lands.
///
/// Every other key of the schema (`StackFileSchema.swift`) is parsed and validated, but
/// nothing carries it out yet; a file that sets one gets a positioned warning ("`KEY` is
/// parsed but not enforced by this version"), so nobody believes a control is in place that
/// is not (docs/design.md, rule 4). Keys under an unenforced key get no warning of their own:
/// the one on the section says it all.
///
/// When an engine starts enforcing a key, add it here in the same change; the tests hold
/// this list against the schema, so the warning disappears exactly then.
extension StackFile {
    enum EnforcedKeys {
        /// Enforced keys, by section. A section that is absent enforces none of its keys.
        static let bySection: [Schema.Section: Set<String>] = [
            // Not enforced: slos, alerts, incidents (no engine runs them yet). `recovery` is what
            // `steward drill dr` judges its RTO and RPO against (StewardOps/Drills).
            .topLevel: ["version", "stack", "dependencies", "services", "environments", "runbooks", "backups", "recovery", "mirrors"],
            .recovery: Set(Schema.recovery),
            // The URL is resolved into instances and probed; `steward migrate` runs `migrations`; a
            // `required` one must be reachable before a deployment starts (ControlPlane+Checklist.swift).
            .dependency: ["type", "url", "migrations", "required"],
            // `port` is the stable port the traffic proxy serves (TrafficPlan). Not enforced: `dependsOn` (no start order).
            .service: [
                "command", "args", "env", "workingDirectory", "instances", "liveness", "readiness",
                "stopGracePeriod", "restart", "deploy", "logs", "port",
            ],
            .probe: Set(Schema.probe),
            .httpCheck: Set(Schema.httpCheck),
            .tcpCheck: Set(Schema.tcpCheck),
            .restart: Set(Schema.restart),
            .logs: Set(Schema.logs),
            // Rolling batches of `maxSurge` + `maxUnavailable` new instances, each first stopping `maxUnavailable`
            // old ones (Deployment+StateMachine.swift), with a readiness timeout; blue/green and canary rollouts
            // (Deployment+Rollout.swift) with smoke commands (`healthCheckRetries` attempts each), canary
            // steps, analysis (ControlPlane+Analysis.swift) and the warm period. Not enforced:
            // `postDeploy` (no hook runs after a deployment yet); `rollback` is partly enforced (below).
            // `migrate` (the pending migrations of each database, applied by the migration runner) and then
            // the `preDeploy` commands run in the pre-deployment checklist.
            .deploy: [
                "strategy", "maxSurge", "maxUnavailable", "readinessTimeout", "healthCheckRetries", "keepPrevious", "smoke",
                "canary", "migrate", "preDeploy",
            ],
            .canary: ["steps"],
            .canaryStep: Set(Schema.canaryStep),
            // Runbooks run as declared (`steward runbook run`).
            .runbook: Set(Schema.runbook),
            .runbookStep: Set(Schema.runbookStep),
            .runbookHTTP: Set(Schema.runbookHTTP),
            .runbookSQL: Set(Schema.runbookSQL),
            .runbookRedis: Set(Schema.runbookRedis),
            .runbookScale: Set(Schema.runbookScale),
            // Environments override instance counts and variables; `steward backup prune` applies their
            // retention; `steward migrate` takes a verified backup first where `backupBeforeMigrate` says so;
            // `requiredEnv` is checked before each deployment starts (ControlPlane+Checklist.swift).
            // A deployment waits for `approvals` and its `window` (Deployment+Gates.swift; runbook steps with
            // `confirm: true` wait for the approvals too); `steward promote --from` follows `promotesTo`
            // and waits for `minimumHealthyTime` (StackState+Promotion.swift); each finished deployment is
            // posted to `markerWebhook` (ControlPlane+Markers.swift).
            .environment: [
                "instances", "env", "backupRetention", "backupBeforeMigrate", "requiredEnv", "approvals", "window",
                "promotesTo", "minimumHealthyTime", "markerWebhook",
            ],
            // `steward backup create` takes the backup into its `destination` (a folder, or an
            // s3:// bucket prefix reached through the s3 dependency naming the bucket) and verifies
            // it with its integrity queries when `verify`; `steward backup prune` applies its
            // retention. The scheduler (ControlPlane+Schedules.swift) takes one on its `schedule`, read in
            // its `timeZone`, in every environment. `beforeDeploy` backups are taken (and verified when
            // `verify`) in the checklist of each deployment of a service using the dependency.
            // `physical` is carried out by `steward backup physical …` on the database host (pgBackRest).
            .backup: [
                "dependency", "verify", "integrityQueries", "retention", "destination", "schedule", "timeZone", "beforeDeploy",
                "physical",
            ],
            .physicalBackup: Set(Schema.physicalBackup),
            .retention: Set(Schema.retention),
            // `steward mirror sync|restore` and the scheduler (ControlPlane+Mirrors.swift) act on every key.
            .mirror: Set(Schema.mirror),
        ]

        /// Keys enforced only for some values: what the key asks for is exactly what already happens.
        static let enforcedValues: [Schema.Key: Set<String>] = [:]

        /// Keys Steward acts on in some places but not all: the warning says which.
        static let partlyEnforced: [Schema.Key: String] = [
            Schema.Key(.deploy, "rollback"):
                "checked during blue/green and canary rollouts in the traffic environment, not during rolling deployments",
        ]

        /// Whether Steward acts on `key`.
        static func contains(_ key: Schema.Key) -> Bool { bySection[key.section]?.contains(key.name) ?? false }

        /// Whether Steward acts on `key` set to the scalar `value` (nil for a mapping or a list).
        static func contains(_ key: Schema.Key, value: String?) -> Bool {
            contains(key) || value.map { enforcedValues[key]?.contains($0) == true } == true
        }
    }
}
