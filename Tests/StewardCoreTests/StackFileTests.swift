import Foundation
import StewardCore
import Testing

/// Valid stack files parse to exactly the expected model values.
@Suite struct StackFileTests {
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> StackSpec? {
        switch StackFile.parse(text, file: "steward.yaml") {
        case .success(let spec):
            return spec
        case .failure(let errors):
            Issue.record("unexpected errors:\n\(errors)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static let full = """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://shop:${secret:DB_PASSWORD}@db.internal:5432/shop
            migrations: db/migrations
          cache:
            url: redis://cache.internal:6379/0
            required: false
          hooks:
            type: http
            url: ${secret:HOOKS_URL}
        services:
          api:
            command: /opt/shop/bin/api
            args: [--port, "${port}", --name, "${service}-${instance}"]
            env:
              DATABASE_URL: ${dependencies.db.url}
              LOG_LEVEL: info
              DEBUG: true
              RATIO: 1.50
              EMPTY:
              WEB: http://127.0.0.1:${services.web.port}
              PRICE: $$5
            workingDirectory: /opt/shop
            port: 8080
            instances: 2
            dependsOn: [db, cache]
            liveness:
              http: /healthz
            readiness:
              http:
                path: /readyz
                port: 9090
                expectStatus: 200-299
                expectJSON:
                  status: Ready
                  checks: {database: Healthy}
                headers: {Accept: application/json}
              interval: 5s
              timeout: 500ms
              failureThreshold: 2
              successThreshold: 2
              initialDelay: 1s
            stopGracePeriod: 20s
            restart: {policy: on-failure, initialBackoff: 2s, maxBackoff: 1m}
            deploy:
              strategy: canary
              maxSurge: 2
              maxUnavailable: 1
              readinessTimeout: 90s
              healthCheckRetries: 5
              keepPrevious: 15m
              smoke:
                - curl -fsS http://127.0.0.1:${port}/healthz
                - [/opt/shop/bin/smoke, --quick]
              migrate: [db]
              preDeploy: /opt/shop/bin/migrate up
              postDeploy: [[/opt/shop/bin/migrate, verify]]
              canary:
                steps:
                  - weight: 10
                  - pause: 5m
                  - analysis: [error_rate > 5% for 5m, p99 > 2s for 1m min 50]
                  - pause: manual
                  - weight: 50%
                  - pause: {}
                  - pause:
                  - weight: 100
              rollback:
                - error_rate > 5% for 5m
                - p95 > 3s for 5m
            logs: {maxBytes: 512KB, keepFiles: 7}
          web:
            command: /opt/shop/bin/web
            port: 3000
            dependsOn: [api]
            liveness:
              tcp: {port: 3001}
            readiness:
              exec: /opt/shop/bin/check --fast
          worker:
            command: /opt/shop/bin/worker
            instances: 0
            liveness:
              postgres: ${dependencies.db.url}
              interval: 1m
            readiness:
              redis: ${dependencies.cache.url}
            restart: never
        environments:
          staging:
            promotesTo: production
            instances: {api: 1}
            env: {LOG_LEVEL: debug}
            backupRetention: 7d
          production:
            approvals: 2
            window: Mon-Fri 22:00-02:00 Europe/London
            instances: {api: 4, worker: 2}
            requiredEnv: [DB_PASSWORD, HOOKS_URL]
            minimumHealthyTime: 30m
            backupRetention: {maxAge: 30d, keepDaily: 30, keepWeekly: 8, keepMonthly: 12, keepLast: 5}
            backupBeforeMigrate: true
            markerWebhook: https://grafana.example.com/api/annotations?key=${secret:GRAFANA_KEY}
        slos:
          - name: availability
            service: api
            availability: 99.9
          - name: latency
            service: api
            latency: {percentile: 95, below: 500ms}
            window: 7d
          - name: errors
            service: web
            errorRate: 0.1%
        backups:
          - dependency: db
            schedule: "0 2 * * MON-FRI"
            timeZone: Europe/London
            destination: s3://shop-backups/db
            retention: {maxAge: 30d, keepDaily: 7}
            verify: false
            integrityQueries: [SELECT 1 WHERE false]
            beforeDeploy: false
            physical:
              dataDirectory: /var/lib/postgresql/15/main
              repository: /var/lib/pgbackrest
              configDirectory: /etc/steward/pgbackrest-shop
              port: 5433
              socketDirectory: /run/postgresql
              user: backup
              systemUser: postgres
              retentionFull: 3
              retentionDiff: 6
        alerts:
          - name: DatabaseDown
            expr: up{job="postgres"} == 0
            for: 1m
            severity: p0
            labels: {team: platform}
            inhibits: [HighErrorRate]
          - name: HighErrorRate
            expr: error_rate > 5%
        runbooks:
          - name: clear-cache
            description: Flush the cache.
            environments: [production]
            steps:
              - name: flush
                redis: {dependency: cache, command: FLUSHDB}
                confirm: true
              - name: size
                run: [redis-cli, DBSIZE]
                env: {REDISCLI_AUTH: "${secret:CACHE_PASSWORD}"}
                stopOnFailure: false
                when: steps.flush.succeeded
                timeout: 5s
              - name: count
                sql: {dependency: db, statement: SELECT 1}
              - name: archive
                sql: {dependency: db, statements: ["DELETE FROM a", "SELECT 1"]}
              - name: ping
                http: {url: "http://127.0.0.1:${services.api.port}/health", method: post, headers: {X-Env: "${environment}"}, body: "{}", expectStatus: 200}
              - name: restart
                restart: api
              - name: scale
                scale: {service: api, instances: 2}
        incidents:
          responseTargets: {P0: 15m, P1: 2h, p2: 1d, P3: 7d}
          escalation:
            - {after: 0s, notify: on-call}
            - {after: 30m, notify: [eng-lead]}
            - {after: 1h, notify: [cto, ceo]}
          channels:
            slack: ${secret:SLACK_WEBHOOK}
            email: mailto:oncall@example.com
        recovery: {rto: 4h, rpo: 24h}
        mirrors:
          - name: documents
            source: s3://shop-documents/uploads
            target: s3://shop-mirror/documents
            keepRemoved: true
            schedule: "15 * * * *"
            timeZone: Europe/London
        """

    @Test func fullDocumentParsesToTheExpectedValues() throws {
        let spec = try #require(Self.parse(Self.full))

        #expect(spec.version == 1)
        #expect(spec.name == "shop")
        #expect(
            spec.dependencies == [
                DependencySpec(
                    name: "db", kind: .postgres,
                    url: "postgres://shop:${secret:DB_PASSWORD}@db.internal:5432/shop", migrations: "db/migrations"),
                DependencySpec(name: "cache", kind: .redis, url: "redis://cache.internal:6379/0", required: false),
                DependencySpec(name: "hooks", kind: .http, url: "${secret:HOOKS_URL}"),
            ])

        let api = try #require(spec.service(named: "api"))
        let expectedAPI = ServiceSpec(
            name: "api", command: "/opt/shop/bin/api", args: ["--port", "${port}", "--name", "${service}-${instance}"],
            env: [
                "DATABASE_URL": "${dependencies.db.url}", "LOG_LEVEL": "info", "DEBUG": "true", "RATIO": "1.50", "EMPTY": "",
                "WEB": "http://127.0.0.1:${services.web.port}", "PRICE": "$$5",
            ],
            workingDirectory: "/opt/shop", port: 8080, instances: 2, dependsOn: ["db", "cache"],
            liveness: ProbeSpec(check: .http(.init(path: "/healthz"))),
            readiness: ProbeSpec(
                check: .http(
                    .init(
                        path: "/readyz", port: 9090, expectStatus: 200...299,
                        expectJSON: ["status": "Ready", "checks.database": "Healthy"],
                        headers: ["Accept": "application/json"])),
                interval: .seconds(5), timeout: .milliseconds(500), failureThreshold: 2, successThreshold: 2,
                initialDelay: .seconds(1)),
            stopGracePeriod: .seconds(20),
            restart: RestartPolicy(mode: .onFailure, initialBackoff: .seconds(2), maxBackoff: .minutes(1)),
            deploy: DeployPolicy(
                strategy: .canary, maxSurge: 2, maxUnavailable: 1, readinessTimeout: .seconds(90),
                healthCheckRetries: 5, keepPrevious: .minutes(15),
                smoke: [["curl", "-fsS", "http://127.0.0.1:${port}/healthz"], ["/opt/shop/bin/smoke", "--quick"]],
                preDeploy: [["/opt/shop/bin/migrate", "up"]], postDeploy: [["/opt/shop/bin/migrate", "verify"]],
                canary: CanaryPolicy(steps: [
                    .weight(10), .pause(.minutes(5)),
                    .analysis([
                        MetricRule(
                            metric: .errorRate, comparison: .greaterThan, threshold: 0.05, duration: .minutes(5),
                            source: "error_rate > 5% for 5m"),
                        MetricRule(
                            metric: .p99, comparison: .greaterThan, threshold: 2, duration: .minutes(1),
                            minimumRequests: 50, source: "p99 > 2s for 1m min 50"),
                    ]),
                    .pause(nil), .weight(50), .pause(nil), .pause(nil), .weight(100),
                ]),
                rollbackRules: [
                    MetricRule(
                        metric: .errorRate, comparison: .greaterThan, threshold: 0.05, duration: .minutes(5),
                        source: "error_rate > 5% for 5m"),
                    MetricRule(
                        metric: .p95, comparison: .greaterThan, threshold: 3, duration: .minutes(5),
                        source: "p95 > 3s for 5m"),
                ], migrate: ["db"]),
            logs: LogPolicy(maxBytes: 512 * 1024, keepFiles: 7))
        #expect(api == expectedAPI)

        #expect(
            spec.service(named: "web")
                == ServiceSpec(
                    name: "web", command: "/opt/shop/bin/web", port: 3000, dependsOn: ["api"],
                    liveness: ProbeSpec(check: .tcp(port: 3001)),
                    readiness: ProbeSpec(check: .exec(command: ["/opt/shop/bin/check", "--fast"]))))
        #expect(
            spec.service(named: "worker")
                == ServiceSpec(
                    name: "worker", command: "/opt/shop/bin/worker", instances: 0,
                    liveness: ProbeSpec(check: .postgres(url: "${dependencies.db.url}"), interval: .minutes(1)),
                    readiness: ProbeSpec(check: .redis(url: "${dependencies.cache.url}")),
                    restart: RestartPolicy(mode: .never)))
        #expect(spec.services.map(\.name) == ["api", "web", "worker"])

        #expect(
            spec.environments == [
                EnvironmentSpec(
                    name: "staging", promotesTo: "production", instances: ["api": 1], env: ["LOG_LEVEL": "debug"],
                    backupRetention: RetentionSpec(maxAge: .days(7))),
                EnvironmentSpec(
                    name: "production", approvals: 2,
                    window: DeploymentWindow(
                        weekdays: [1, 2, 3, 4, 5], startMinute: 22 * 60, endMinute: 2 * 60, timeZone: "Europe/London",
                        source: "Mon-Fri 22:00-02:00 Europe/London"),
                    instances: ["api": 4, "worker": 2], requiredEnv: ["DB_PASSWORD", "HOOKS_URL"],
                    minimumHealthyTime: .minutes(30),
                    backupRetention: RetentionSpec(
                        maxAge: .days(30), keepLast: 5, keepDaily: 30, keepWeekly: 8, keepMonthly: 12),
                    backupBeforeMigrate: true,
                    markerWebhook: "https://grafana.example.com/api/annotations?key=${secret:GRAFANA_KEY}"),
            ])

        #expect(
            spec.slos == [
                SLOSpec(name: "availability", service: "api", objective: .availability(percent: 99.9)),
                SLOSpec(
                    name: "latency", service: "api", objective: .latency(percentile: 95, below: .milliseconds(500)),
                    window: .days(7)),
                SLOSpec(name: "errors", service: "web", objective: .errorRate(belowPercent: 0.1)),
            ])
        #expect(
            spec.backups == [
                BackupSpec(
                    dependency: "db", schedule: "0 2 * * MON-FRI", timeZone: "Europe/London",
                    destination: "s3://shop-backups/db", retention: RetentionSpec(maxAge: .days(30), keepDaily: 7),
                    verify: false, integrityQueries: ["SELECT 1 WHERE false"], beforeDeploy: false,
                    physical: PhysicalBackupSpec(
                        dataDirectory: "/var/lib/postgresql/15/main", repository: "/var/lib/pgbackrest",
                        configDirectory: "/etc/steward/pgbackrest-shop", port: 5433, socketDirectory: "/run/postgresql",
                        user: "backup", systemUser: "postgres", retentionFull: 3, retentionDiff: 6))
            ])
        #expect(
            spec.alerts == [
                AlertRuleSpec(
                    name: "DatabaseDown", expression: "up{job=\"postgres\"} == 0", duration: .minutes(1), severity: .p0,
                    labels: ["team": "platform"], inhibits: ["HighErrorRate"]),
                AlertRuleSpec(name: "HighErrorRate", expression: "error_rate > 5%"),
            ])
        #expect(
            spec.runbooks == [
                RunbookSpec(
                    name: "clear-cache", description: "Flush the cache.",
                    steps: [
                        .init(name: "flush", action: .redis(dependency: "cache", command: ["FLUSHDB"]), confirm: true),
                        .init(
                            name: "size",
                            action: .command(["redis-cli", "DBSIZE"], env: ["REDISCLI_AUTH": "${secret:CACHE_PASSWORD}"]),
                            stopOnFailure: false, condition: try RunbookCondition(parsing: "steps.flush.succeeded"),
                            timeout: .seconds(5)),
                        .init(name: "count", action: .sql(dependency: "db", statements: ["SELECT 1"])),
                        .init(name: "archive", action: .sql(dependency: "db", statements: ["DELETE FROM a", "SELECT 1"])),
                        .init(
                            name: "ping",
                            action: .http(.init(
                                method: "POST", url: "http://127.0.0.1:${services.api.port}/health",
                                headers: ["X-Env": "${environment}"], body: "{}", expectStatus: [200]))),
                        .init(name: "restart", action: .restart(service: "api")),
                        .init(name: "scale", action: .scale(service: "api", instances: 2)),
                    ], environments: ["production"])
            ])
        #expect(
            spec.incidents
                == IncidentPolicySpec(
                    responseTargets: [.p0: .minutes(15), .p1: .hours(2), .p2: .days(1), .p3: .days(7)],
                    escalation: [
                        .init(after: .seconds(0), notify: ["on-call"]),
                        .init(after: .minutes(30), notify: ["eng-lead"]),
                        .init(after: .hours(1), notify: ["cto", "ceo"]),
                    ],
                    channels: ["slack": "${secret:SLACK_WEBHOOK}", "email": "mailto:oncall@example.com"]))
        #expect(spec.recovery == RecoveryObjectivesSpec(rto: .hours(4), rpo: .hours(24)))
        #expect(
            spec.mirrors == [
                MirrorSpec(
                    name: "documents", source: "s3://shop-documents/uploads", target: "s3://shop-mirror/documents",
                    keepRemoved: true, schedule: "15 * * * *", timeZone: "Europe/London")
            ])
    }

    @Test func minimalDocumentTakesTheModelDefaults() throws {
        let spec = try #require(
            Self.parse(
                """
                stack: tiny
                services:
                  api:
                    command: /bin/api
                environments:
                  production:
                """))
        #expect(
            spec
                == StackSpec(
                    name: "tiny", services: [ServiceSpec(name: "api", command: "/bin/api")],
                    environments: [EnvironmentSpec(name: "production")]))
    }

    @Test func scalarsAreTypedOnDemand() throws {
        let spec = try #require(
            Self.parse(
                """
                stack: typed
                services:
                  api:
                    command: 8080
                    port: "8080"
                    instances: +3
                    env: {A: 0x10, B: ~, C: 'true', D: 1e3}
                    args: [1, true, null-ish]
                """))
        let api = try #require(spec.service(named: "api"))
        #expect(api.command == "8080")
        #expect(api.port == 8080)
        #expect(api.instances == 3)
        #expect(api.env == ["A": "0x10", "B": "", "C": "true", "D": "1e3"])
        #expect(api.args == ["1", "true", "null-ish"])
    }

    @Test func shorthandsAndAlternativeForms() throws {
        let spec = try #require(
            Self.parse(
                """
                stack: forms
                dependencies:
                  db: {url: "postgresql://db/x"}
                  files: {url: "s3://bucket/prefix"}
                  web-api: {url: "https://api.example.com"}
                  cache: {url: "rediss://cache:6380"}
                services:
                  a:
                    command: /bin/a
                    liveness: {tcp: 5432}
                    readiness: {tcp: {port: 6379}}
                    restart: on-failure
                    deploy:
                      strategy: blue-green
                      smoke: /bin/smoke --all
                      rollback: error_rate>=1% for 30s
                      canary: {steps: [{weight: "10%"}, {analysis: "p50 <= 250ms for 2m"}, {weight: 100}]}
                    logs: {maxBytes: 1048576}
                  b:
                    command: /bin/b
                    readiness: {http: {path: /h, expectStatus: 2xx}}
                    liveness: {tcp: }
                    logs: {maxBytes: 2 MiB}
                environments:
                  production:
                    window: "Sat, Sun 00:00-24:00 UTC"
                    backupRetention: {keepLast: 3}
                """))
        #expect(spec.dependencies.map(\.kind) == [.postgres, .s3, .http, .redis])
        let a = try #require(spec.service(named: "a"))
        #expect(a.liveness == ProbeSpec(check: .tcp(port: 5432)))
        #expect(a.readiness == ProbeSpec(check: .tcp(port: 6379)))
        #expect(a.restart == RestartPolicy(mode: .onFailure))
        #expect(a.deploy.strategy == .blueGreen)
        #expect(a.deploy.smoke == [["/bin/smoke", "--all"]])
        #expect(
            a.deploy.rollbackRules == [
                MetricRule(
                    metric: .errorRate, comparison: .greaterOrEqual, threshold: 0.01, duration: .seconds(30),
                    source: "error_rate>=1% for 30s")
            ])
        #expect(
            a.deploy.canary
                == CanaryPolicy(steps: [
                    .weight(10),
                    .analysis([
                        MetricRule(
                            metric: .p50, comparison: .lessOrEqual, threshold: 0.25, duration: .minutes(2),
                            source: "p50 <= 250ms for 2m")
                    ]),
                    .weight(100),
                ]))
        #expect(a.logs == LogPolicy(maxBytes: 1_048_576))
        let b = try #require(spec.service(named: "b"))
        #expect(b.readiness == ProbeSpec(check: .http(.init(path: "/h", expectStatus: 200...299))))
        #expect(b.liveness == ProbeSpec(check: .tcp(port: nil)))
        #expect(b.logs.maxBytes == 2 * 1024 * 1024)
        let production = try #require(spec.environment(named: "production"))
        #expect(
            production.window
                == DeploymentWindow(
                    weekdays: [6, 7], startMinute: 0, endMinute: 24 * 60, timeZone: "UTC",
                    source: "Sat, Sun 00:00-24:00 UTC"))
        #expect(production.backupRetention == RetentionSpec(keepLast: 3))
    }

    @Test func mergeKeysShareSettingsAndExplicitKeysWin() throws {
        let spec = try #require(
            Self.parse(
                """
                stack: merged
                services:
                  a: &app
                    command: /bin/app
                    instances: 2
                    readiness: {http: /ready}
                  b:
                    <<: *app
                    instances: 5
                    port: 8002
                """))
        let ready = ProbeSpec(check: .http(.init(path: "/ready")))
        #expect(
            spec.services == [
                ServiceSpec(name: "a", command: "/bin/app", instances: 2, readiness: ready),
                ServiceSpec(name: "b", command: "/bin/app", port: 8002, instances: 5, readiness: ready),
            ])
    }
}
