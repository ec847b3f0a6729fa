import Foundation

/// The keys every section of `steward.yaml` takes — the one place to look them up.
///
/// Each list is in the order the documentation shows the keys, and is also the list an
/// "unknown key" error offers. The parser reads only these keys (it asserts so in debug
/// builds) and reports every other key as unknown, with a suggestion.
extension StackFile {
    enum Schema {
        /// The document itself.
        static let topLevel = [
            "version",  // Int, must be 1 (default 1)
            "stack",  // name of the stack, required: [a-z][a-z0-9-]*
            "dependencies",  // mapping name → dependency
            "services",  // mapping name → service
            "environments",  // mapping name → environment
            "slos",  // list of slo
            "backups",  // list of backup
            "alerts",  // list of alert
            "runbooks",  // list of runbook
            "incidents",  // incidents
            "recovery",  // recovery
            "mirrors",  // list of mirror
        ]

        /// `dependencies.NAME`: something the services use but Steward does not run.
        static let dependency = [
            "type",  // postgres | redis | http | s3; may be left out when the url's scheme says it
            "url",  // required; may use ${secret:NAME} (and no other reference)
            "required",  // Bool, default true: a deployment must reach it first
            "migrations",  // postgres only: a directory of VERSION_NAME.up.sql / .down.sql, relative to the stack file
        ]

        /// `services.NAME`: a service Steward runs.
        static let service = [
            "command",  // required: the executable (references allowed, but no secrets or dependency URLs)
            "args",  // list of strings (references allowed, but no secrets or dependency URLs)
            "env",  // mapping VAR → scalar (references allowed)
            "workingDirectory",  // string
            "port",  // 1–65535: the stable port users reach the service on
            "instances",  // Int 0–256, default 1
            "dependsOn",  // list of declared dependency or service names
            "liveness",  // probe
            "readiness",  // probe
            "stopGracePeriod",  // span, default 10s
            "restart",  // restart, or just the policy: `restart: on-failure`
            "deploy",  // deploy
            "logs",  // logs
        ]

        /// `liveness` / `readiness`: exactly one check plus timing.
        static let probe = [
            "http",  // httpCheck, or just the path: `http: /healthz`
            "tcp",  // `true`, a port, or {port}
            "exec",  // list of strings, or a string split on spaces (no secrets or dependency URLs)
            "postgres",  // url (references allowed)
            "redis",  // url (references allowed)
            "interval",  // span, default 10s
            "timeout",  // span, default 1s
            "failureThreshold",  // Int ≥ 1, default 3
            "successThreshold",  // Int ≥ 1, default 1
            "initialDelay",  // span, default 0s
        ]
        /// The checks of a probe, of which exactly one must be present.
        static let probeChecks = ["http", "tcp", "exec", "postgres", "redis"]

        /// `http:` of a probe.
        static let httpCheck = [
            "path",  // required, starts with /
            "port",  // 1–65535, default the instance's port
            "expectStatus",  // Int or "200-299", default 200-399
            "expectJSON",  // mapping field → value; nested mappings become dotted fields
            "headers",  // mapping name → value
        ]
        /// `tcp:` of a probe, in its long form.
        static let tcpCheck = ["port"]

        /// `restart:` of a service.
        static let restart = [
            "policy",  // always | on-failure | never, default always
            "initialBackoff",  // span, default 1s
            "maxBackoff",  // span, default 30s, not below initialBackoff
        ]

        /// `logs:` of a service.
        static let logs = [
            "maxBytes",  // Int or "10MB" / "512KB" (1024-based), default 10MB
            "keepFiles",  // Int ≥ 0, default 3
        ]

        /// `deploy:` of a service.
        static let deploy = [
            "strategy",  // rolling | blue-green | canary, default rolling
            "maxSurge",  // Int ≥ 0, default 1
            "maxUnavailable",  // Int ≥ 0, default 0 (not both 0)
            "readinessTimeout",  // span, default 60s
            "healthCheckRetries",  // Int ≥ 1, default 10
            "keepPrevious",  // span, default 5m
            "smoke",  // list of commands (a string split on spaces, or a list of strings)
            "migrate",  // list of postgres dependencies with migrations: applied in the checklist, before preDeploy
            "preDeploy",  // list of commands
            "postDeploy",  // list of commands
            "canary",  // canary (needs strategy canary or blue-green)
            "rollback",  // list of rules: METRIC OP THRESHOLD for SPAN [min N]
        ]
        /// `canary:` of a deploy policy.
        static let canary = ["steps"]  // required, non-empty list of canaryStep
        /// One canary step: exactly one of these keys.
        static let canaryStep = [
            "weight",  // 1–100 (or "10%"), increasing from step to step
            "pause",  // span, or `manual` / `{}` / nothing: until a person promotes
            "analysis",  // list of rules (or one rule)
        ]

        /// `environments.NAME`.
        static let environment = [
            "promotesTo",  // a declared environment, not itself
            "approvals",  // Int ≥ 0, default 0
            "window",  // "DAYS HH:MM-HH:MM ZONE", e.g. "Sun 02:00-06:00 UTC"
            "instances",  // mapping declared service → Int 0–256
            "env",  // mapping VAR → scalar (references allowed)
            "requiredEnv",  // list of variable names
            "minimumHealthyTime",  // span
            "backupRetention",  // retention, or just its maxAge: `backupRetention: 30d`
            "backupBeforeMigrate",  // Bool; default true in an environment named production, else false
            "markerWebhook",  // http(s) URL; only ${secret:NAME} references
        ]

        /// A retention policy (`backupRetention`, `backups[].retention`); at least one key.
        static let retention = [
            "maxAge",  // span
            "keepLast",  // Int ≥ 0
            "keepDaily",  // Int ≥ 0
            "keepWeekly",  // Int ≥ 0
            "keepMonthly",  // Int ≥ 0
        ]

        /// One item of `slos`: exactly one objective.
        static let slo = [
            "name",  // required, unique
            "service",  // required, a declared service
            "availability",  // percent, e.g. 99.9
            "latency",  // latency
            "errorRate",  // percent, e.g. 0.1
            "window",  // span, default 30d
        ]
        static let sloObjectives = ["availability", "latency", "errorRate"]
        /// `latency:` of an SLO.
        static let latency = [
            "percentile",  // required, e.g. 95 (or "p95")
            "below",  // required span, e.g. 500ms
        ]

        /// One item of `backups`.
        static let backup = [
            "dependency",  // required, a declared postgres dependency
            "schedule",  // five-field cron: minute hour day-of-month month day-of-week
            "timeZone",  // IANA name, default UTC
            "destination",  // folder or s3:// URL, default "backups"
            "retention",  // retention (or a span)
            "verify",  // Bool, default true
            "integrityQueries",  // list of SQL strings that must return no rows
            "beforeDeploy",  // Bool, default true
            "physical",  // physicalBackup: pgBackRest for this dependency
        ]

        /// `backups[].physical`: pgBackRest on the database host (docs/backups.md).
        static let physicalBackup = [
            "dataDirectory",  // required, absolute path of the live data directory
            "repository",  // required, absolute path of a local folder
            "configDirectory",  // absolute path, default /etc/steward/pgbackrest
            "port",  // 1...65535, default 5432
            "socketDirectory",  // absolute path, default /var/run/postgresql
            "user",  // database role, default postgres
            "systemUser",  // operating-system user owning the data directory, default postgres
            "retentionFull",  // Int ≥ 1, default 2
            "retentionDiff",  // Int ≥ 1, default pgBackRest's
        ]

        /// One item of `mirrors`.
        static let mirror = [
            "name",  // required, unique, [a-z][a-z0-9-]*
            "source",  // required: s3://BUCKET[/PREFIX]
            "target",  // required: s3://BUCKET/PREFIX or a folder path, not the source
            "keepRemoved",  // Bool, default false: keep copies of objects deleted at the source
            "schedule",  // five-field cron: minute hour day-of-month month day-of-week
            "timeZone",  // IANA name, default UTC
        ]

        /// One item of `alerts`.
        static let alert = [
            "name",  // required, unique
            "expr",  // required
            "for",  // span, default 0s
            "severity",  // P0 | P1 | P2 | P3, default P2
            "labels",  // mapping name → value
            "inhibits",  // list of declared alert names
        ]

        /// One item of `runbooks`.
        static let runbook = [
            "name",  // required, unique, [a-z][a-z0-9-]*
            "description",  // string
            "environments",  // list of declared environments (empty: all)
            "steps",  // required, non-empty list of runbookStep
        ]
        /// One step of a runbook: exactly one of `run`, `http`, `sql`, `redis`, `restart` and
        /// `scale`, or none when the step is only an approval gate (`confirm: true`).
        static let runbookStep = [
            "name",  // required, unique within the runbook
            "run",  // a command: a string split on spaces, or a list of strings (no secrets: process list)
            "env",  // mapping name → value for `run` (secrets and dependency URLs go here)
            "http",  // runbookHTTP
            "sql",  // runbookSQL
            "redis",  // runbookRedis
            "restart",  // a declared service, restarted in the run's environment
            "scale",  // runbookScale
            "confirm",  // Bool, default false: wait for a person's approval first
            "when",  // a condition on an earlier step's result, such as `steps.count.value > 0`
            "stopOnFailure",  // Bool, default true
            "timeout",  // span, default 60s
        ]
        /// The step kinds, of which a step has at most one.
        static let runbookActions = ["run", "http", "sql", "redis", "restart", "scale"]
        /// `http:` of a runbook step.
        static let runbookHTTP = [
            "url",  // required, http:// or https://
            "method",  // GET (default), HEAD, POST, PUT, PATCH, DELETE
            "headers",  // mapping name → value
            "body",  // string
            "expectStatus",  // a status or a list of statuses (default any 2xx)
        ]
        /// `sql:` of a runbook step.
        static let runbookSQL = [
            "dependency",  // required, a declared postgres dependency
            "statement",  // one statement, or
            "statements",  // a list, run in one transaction
        ]
        /// `redis:` of a runbook step.
        static let runbookRedis = [
            "dependency",  // required, a declared redis dependency
            "command",  // required: a string split on spaces, or a list of strings
        ]
        /// `scale:` of a runbook step.
        static let runbookScale = [
            "service",  // required, a declared service
            "instances",  // required, 0 to 256
        ]

        /// `incidents:`.
        static let incidents = [
            "responseTargets",  // mapping P0..P3 → span
            "escalation",  // list of escalationLevel, `after` not decreasing
            "channels",  // mapping name → URL (http(s)://, mailto:, …)
        ]
        static let escalationLevel = [
            "after",  // required span
            "notify",  // required list of names (or one name)
        ]

        /// `recovery:`.
        static let recovery = [
            "rto",  // required span
            "rpo",  // required span
        ]
    }
}
