import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardBackup
import StewardCore
import StewardHTTP
import StewardOps
import StewardRuntime
import StewardServer
import StewardStore
import StewardTesting
import Synchronization

/// A control plane in which every route of the API has a request that succeeds for a caller
/// with enough rights: `api` serves release 2 in production (so it can be rolled back, stopped,
/// restarted and scaled), `web` has a deployment in progress there (to read and abort); in
/// development `api` was stopped (to start) and `web` runs (to take down); the agent reports an
/// `api` instance (whose log it serves), a canary of `jobs` in production waits at a pause (to promote
/// and pause), a canary of `batch` there is paused (to resume), a deployment of `api` to staging waits
/// for one approval (to approve), `web` is ready in development (to promote to staging), user `carol` has token `tok_carol` (to remove and revoke),
/// the vault holds `DB_PASSWORD` for production (to list, rotate and remove), and a run of the
/// runbook `check` waits for approval in production (to read, approve and cancel), and the backup
/// store holds backup ``storedBackup`` of `db` in production (to read, verify and restore; its
/// jobs never run here: the control plane's loop is not started), and `db` has one migration
/// (to read, apply and revert: the database is unreachable, and the jobs never run either), the mirror
/// `documents` copies the bucket of the s3 dependency `docs` into a folder (to read, sync and restore;
/// its jobs never run either); traffic is measured by ``SteadyTraffic`` (to read a deployment's metrics);
/// a drill of development runs (to read; restoring ``developmentBackup``, its job never runs either), and
/// production can be drilled (``storedBackup``).
struct AccessFixture {
    /// The id of the backup in the fixture's store.
    static let storedBackup = "20261126-050000-abcdef"
    /// The id of the fixture's backup of `db` in development (what its drill restores).
    static let developmentBackup = "20261126-040000-abcdef"

    static let stackText = """
        version: 1
        stack: shop
        dependencies:
          db:
            type: postgres
            url: postgres://app@127.0.0.1:9/app
            # Nothing listens there: deployments must not wait for it (no pre-deployment checklist).
            required: false
            migrations: db/migrations
          docs:
            type: s3
            url: http://AKIDFIXTURE:${secret:S3_SECRET}@127.0.0.1:9/shop-documents?region=us-east-1
            required: false
        services:
          api:
            command: /bin/true
            readiness:
              http:
                path: /healthz
          web:
            command: /bin/true
            readiness:
              http:
                path: /healthz
          jobs:
            command: /bin/true
            deploy:
              strategy: canary
              canary:
                steps:
                  - weight: 10
                  - pause: manual
          batch:
            command: /bin/true
            deploy:
              strategy: canary
              canary:
                steps:
                  - weight: 10
                  - pause: manual
        environments:
          development: {promotesTo: staging}
          staging: {approvals: 1}
          production: {}
        runbooks:
          - name: check
            steps:
              - name: gate
                confirm: true
        mirrors:
          - name: documents
            source: s3://shop-documents
            target: mirrors/documents
        """

    let log: EventLog
    let controlPlane: ControlPlane
    let application: Application<RouterResponder<StewardRequestContext>>
    /// The deployment of `web` in production that is still running.
    let activeDeployment: Int
    /// The run of `check` in production that waits for approval.
    let waitingRun: Int
    /// A canary of `jobs` in production, paused at its first pause (to promote).
    let pausedCanary: Int
    /// A canary of `batch` in production that a person paused (to resume).
    let heldCanary: Int
    /// A deployment of `api` to staging, requested by root, that waits for one approval.
    let awaitingApproval: Int
    /// The clock the router reads (token expiry); tests move it.
    let clock: TestClock
    /// A drill of development, running (to read).
    let runningDrill: String

    /// A settable wall clock for token expiry.
    final class TestClock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(by seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// - Parameter agentURL: a fake agent that serves instance logs (see ``fakeAgent()``).
    init(agentURL: String = "http://127.0.0.1:9") async throws {
        log = try EventLog.inMemory()
        guard case .success(let stack) = StackFile.parse(Self.stackText, file: "steward.yaml") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        try Self.seed(log, stack: stack)
        // A vault with a production secret, to list, rotate and remove.
        let vault = SecretVault(log: log, key: .generate())
        _ = try vault.set("DB_PASSWORD", environment: "production", value: "s3cret", actor: "root")
        // The key of the bucket the mirror `documents` copies (its jobs never run here).
        _ = try vault.set("S3_SECRET", environment: nil, value: "fixture-s3-secret", actor: "root")
        let backups = try TemporaryDirectory(prefix: "access-backups").path
        try Self.storeBackup(in: backups)
        try Self.storeBackup(in: backups, id: Self.developmentBackup, environment: "development")
        // The stack's directory, with one migration of `db` (to read, apply and revert; never run here).
        let stackDirectory = try TemporaryDirectory(prefix: "access-stack").path
        try FileManager.default.createDirectory(atPath: stackDirectory + "/db/migrations", withIntermediateDirectories: true)
        try "CREATE TABLE items (id int);".write(
            toFile: stackDirectory + "/db/migrations/0001_create_items.up.sql", atomically: true, encoding: .utf8)
        controlPlane = try ControlPlane(
            log: log, agent: AgentClient(baseURL: agentURL, token: "unused"), vault: vault, baseDirectory: stackDirectory,
            backupDirectory: backups, drillDirectory: try TemporaryDirectory(prefix: "access-drills").path,
            metricsProvider: SteadyTraffic())
        let web = try await controlPlane.deploy(
            service: "web", environment: "production", version: "1.0.0", overrides: [:], actor: "root")
        activeDeployment = web.id
        // A canary whose instance the agent reports ready: it walks to its first pause.
        let canary = try await controlPlane.deploy(service: "jobs", environment: "production", version: "2.0.0", actor: "root")
        pausedCanary = canary.id
        let held = try await controlPlane.deploy(service: "batch", environment: "production", version: "2.0.0", actor: "root")
        heldCanary = held.id
        awaitingApproval = try await controlPlane.deploy(service: "api", environment: "staging", version: "2.0.0", actor: "root").id
        guard let canarySpec = stack.effectiveService("jobs", in: "production") else { throw CocoaError(.fileReadCorruptFile) }
        func ready(_ id: String, _ service: String, _ environment: String, release: Int, port: Int) -> InstanceStatus {
            InstanceStatus(
                spec: InstanceSpec(
                    id: id, service: service, environment: environment, release: release, version: "2.0.0",
                    command: canarySpec.command),
                state: .running, port: port, ready: true)
        }
        await controlPlane.observe(
            AgentSnapshot(agentID: "a1", generation: 1, instances: [
                ready(canary.newInstances[0], "jobs", "production", release: canary.release, port: 20001),
                ready(held.newInstances[0], "batch", "production", release: held.release, port: 20002),
                ready("web-development-r4-0", "web", "development", release: 4, port: 20003),
            ]))
        _ = try await controlPlane.pause(deployment: held.id, actor: "root")
        waitingRun = try await controlPlane.startRunbook("check", environment: "production", actor: "root").id
        guard let spec = stack.effectiveService("api", in: "production") else { throw CocoaError(.fileReadCorruptFile) }
        let instance = InstanceSpec(
            id: "api-production-r2-0", service: "api", environment: "production", release: 2, version: "2.0.0",
            command: spec.command)
        await controlPlane.observe(
            AgentSnapshot(agentID: "a1", generation: 1, instances: [
                InstanceStatus(spec: instance, state: .running, port: 20000),
                // Still ready: a snapshot without it would record it missing (not healthy, so not promotable).
                ready("web-development-r4-0", "web", "development", release: 4, port: 20003),
            ]))
        runningDrill = try await controlPlane.startDrill(environment: "development", actor: "root").id
        try Self.addUser(log, "root", roles: ["admin"])
        try Self.addUser(log, "carol", roles: ["viewer"])
        try Self.issue(log, id: "tok_carol", user: "carol", secret: "stw_carol")
        let clock = TestClock()
        self.clock = clock
        application = Application(
            router: APIRoutes.router(controlPlane: controlPlane, metrics: ServerMetrics(), now: { clock.now }))
    }

    /// Writes the manifest (and an empty artifact) of ``storedBackup`` into a store directory.
    static func storeBackup(in directory: String, id: String = storedBackup, environment: String = "production") throws {
        let manifest = BackupManifest(
            id: id, createdAt: Date(timeIntervalSince1970: 1_795_000_000), environment: environment,
            dependency: "db", database: "app", source: "postgres://app@127.0.0.1:9/app", serverVersion: "15",
            artifact: "\(id).dump", sizeBytes: 0,
            sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", durationSeconds: 0.1,
            tables: [], countsInDumpSnapshot: true)
        try JSONEncoder.steward.encode(manifest).write(to: URL(fileURLWithPath: "\(directory)/\(id).json"))
        try Data().write(to: URL(fileURLWithPath: "\(directory)/\(id).dump"))
    }

    /// A fake agent that serves any instance log and never answers anything else.
    static func fakeAgent() throws -> TestHTTPServer {
        try TestHTTPServer.start { request in
            guard request.path.contains("/log?") else { return nil }
            return TestHTTPResponse(
                status: 200, body: #"{"instanceID":"api-production-r2-0","offset":0,"nextOffset":3,"text":"hi\n"}"#)
        }
    }

    /// The stack, two successful deployments of `api` to production (releases 1 and 2), then in
    /// development `api` deployed and stopped (release 3) and `web` deployed (release 4).
    static func seed(_ log: EventLog, stack: StackSpec) throws {
        var state = StackState()
        var events: [StewardEvent] = [.stackApplied(StackApplied(spec: stack, digest: "d1", file: "steward.yaml"))]
        state.apply(events[0])
        let time = Date(timeIntervalSince1970: 1_780_000_000)
        let production = ServiceEnvironment(service: "api", environment: "production")
        let stoppedAPI = ServiceEnvironment(service: "api", environment: "development")
        let runningWeb = ServiceEnvironment(service: "web", environment: "development")
        for (target, version) in [(production, "1.0.0"), (production, "2.0.0"), (stoppedAPI, "1.0.0"), (runningWeb, "1.0.0")] {
            guard let spec = stack.effectiveService(target.service, in: target.environment) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            let release = Release(
                number: state.nextReleaseNumber, service: target.service, environment: target.environment, version: version,
                overrides: [:], spec: spec, createdAt: time, createdBy: "root")
            let current = state.currentRelease(for: target)
            let deployment = Deployment(
                id: state.nextDeploymentID, kind: .deploy, target: target, release: release.number,
                previousRelease: current?.number, oldInstances: current?.instanceIDs ?? [], newInstances: release.instanceIDs,
                batchSize: release.spec.deploy.maxSurge, readinessTimeout: release.spec.deploy.readinessTimeout,
                requestedBy: "root", createdAt: time)
            let finished = DeploymentFinished(
                id: deployment.id, target: target, release: release.number, phase: .succeeded, reason: "ready", at: time)
            for event in [StewardEvent.releaseCreated(release), .deploymentCreated(deployment), .deploymentFinished(finished)] {
                state.apply(event)
                events.append(event)
            }
        }
        events.append(.serviceStopped(ServiceStopped(target: stoppedAPI, release: 3, reason: "seeded")))
        try log.append(events.map { event in
            let encoded = try event.encoded()
            return NewEvent(type: encoded.type, subject: encoded.subject, actor: "root", time: time, payload: encoded.payload)
        })
    }

    static func addUser(_ log: EventLog, _ name: String, roles: [String]) throws {
        let encoded = try StewardEvent.userAdded(UserAdded(user: name, roles: roles)).encoded()
        try log.addUser(
            UserRecord(name: name, roles: roles, createdAt: Date()),
            event: NewEvent(type: encoded.type, subject: encoded.subject, actor: "test", time: Date(), payload: encoded.payload))
    }

    static func issue(_ log: EventLog, id: String, user: String, secret: String, expires: Date? = nil) throws {
        let encoded = try StewardEvent.tokenIssued(TokenIssued(id: id, role: "", user: user, expires: expires)).encoded()
        try log.issueToken(
            id: id, user: user, role: "-", tokenHash: TokenHash.of(secret), createdAt: Date(), expiresAt: expires,
            event: NewEvent(type: encoded.type, subject: encoded.subject, actor: "test", time: Date(), payload: encoded.payload))
    }

    /// Adds a user with these roles and a token for them; returns the token.
    func caller(_ name: String, roles: [String], expires: Date? = nil) throws -> String {
        try Self.addUser(log, name, roles: roles)
        let secret = TokenHash.mint()
        try Self.issue(log, id: "tok_\(name)", user: name, secret: secret, expires: expires)
        return secret
    }

    /// The environment a route's request in ``requests()`` acts on, when it is not production.
    static let requestEnvironments = [
        "POST /api/v1/services/{name}/start": "development", "POST /api/v1/environments/{name}/down": "development",
        "POST /api/v1/deployments/{id}/approve": "staging", "POST /api/v1/promotions": "staging",
        "GET /api/v1/drills/{id}": "development",
    ]

    /// One request for every protected route, built to succeed for a caller who may make it.
    func requests() -> [String: (path: String, body: String?, contentType: String)] {
        let json = "application/json"
        let id = activeDeployment
        return [
            "GET /api/v1/status": ("/api/v1/status", nil, json),
            "GET /api/v1/stack": ("/api/v1/stack", nil, json),
            "GET /api/v1/services": ("/api/v1/services", nil, json),
            "GET /api/v1/services/{name}": ("/api/v1/services/api", nil, json),
            "GET /api/v1/environments": ("/api/v1/environments", nil, json),
            "GET /api/v1/releases": ("/api/v1/releases?environment=production", nil, json),
            "GET /api/v1/deployments": ("/api/v1/deployments", nil, json),
            "GET /api/v1/deployments/{id}": ("/api/v1/deployments/\(id)", nil, json),
            "GET /api/v1/deployments/{id}/metrics": ("/api/v1/deployments/\(pausedCanary)/metrics?window=30s", nil, json),
            "GET /api/v1/instances": ("/api/v1/instances?environment=production", nil, json),
            "GET /api/v1/events": ("/api/v1/events", nil, json),
            "GET /api/v1/audit/verify": ("/api/v1/audit/verify", nil, json),
            "GET /api/v1/services/{name}/logs": ("/api/v1/services/api/logs?environment=production", nil, json),
            "POST /api/v1/deployments": (
                "/api/v1/deployments", #"{"service":"api","environment":"production","version":"3.0.0"}"#, json
            ),
            "POST /api/v1/rollbacks": ("/api/v1/rollbacks", #"{"service":"api","environment":"production"}"#, json),
            "POST /api/v1/deployments/{id}/abort": ("/api/v1/deployments/\(id)/abort", nil, json),
            "POST /api/v1/deployments/{id}/promote": ("/api/v1/deployments/\(pausedCanary)/promote", nil, json),
            "POST /api/v1/deployments/{id}/pause": ("/api/v1/deployments/\(pausedCanary)/pause", nil, json),
            "POST /api/v1/deployments/{id}/resume": ("/api/v1/deployments/\(heldCanary)/resume", nil, json),
            "POST /api/v1/deployments/{id}/approve": ("/api/v1/deployments/\(awaitingApproval)/approve", nil, json),
            "POST /api/v1/promotions": (
                "/api/v1/promotions", #"{"service":"web","from":"development","environment":"staging"}"#, json
            ),
            "POST /api/v1/services/{name}/stop": ("/api/v1/services/api/stop", #"{"environment":"production"}"#, json),
            "POST /api/v1/services/{name}/restart": ("/api/v1/services/api/restart", #"{"environment":"production"}"#, json),
            "POST /api/v1/services/{name}/scale": (
                "/api/v1/services/api/scale", #"{"environment":"production","instances":3}"#, json
            ),
            "POST /api/v1/services/{name}/start": ("/api/v1/services/api/start", #"{"environment":"development"}"#, json),
            "POST /api/v1/environments/{name}/down": ("/api/v1/environments/development/down", nil, json),
            "PUT /api/v1/stack": ("/api/v1/stack", Self.stackText, "application/yaml"),
            "GET /api/v1/users": ("/api/v1/users", nil, json),
            "POST /api/v1/users": ("/api/v1/users", #"{"name":"dave","roles":["viewer"]}"#, json),
            "DELETE /api/v1/users/{name}": ("/api/v1/users/carol", nil, json),
            "GET /api/v1/tokens": ("/api/v1/tokens", nil, json),
            "POST /api/v1/tokens": ("/api/v1/tokens", #"{"user":"carol","expiresIn":"30d"}"#, json),
            "DELETE /api/v1/tokens/{id}": ("/api/v1/tokens/tok_carol", nil, json),
            "GET /api/v1/secrets": ("/api/v1/secrets?environment=production", nil, json),
            "PUT /api/v1/secrets/{name}": ("/api/v1/secrets/API_KEY", #"{"value":"k1","environment":"production"}"#, json),
            "POST /api/v1/secrets/{name}/rotate": (
                "/api/v1/secrets/DB_PASSWORD/rotate", #"{"value":"s4cret","environment":"production"}"#, json
            ),
            "DELETE /api/v1/secrets/{name}": ("/api/v1/secrets/DB_PASSWORD?environment=production", nil, json),
            "GET /api/v1/runbooks": ("/api/v1/runbooks", nil, json),
            "GET /api/v1/runbooks/{name}": ("/api/v1/runbooks/check", nil, json),
            "POST /api/v1/runbooks/{name}/runs": ("/api/v1/runbooks/check/runs", #"{"environment":"production"}"#, json),
            "GET /api/v1/runbook-runs": ("/api/v1/runbook-runs?environment=production", nil, json),
            "GET /api/v1/runbook-runs/{id}": ("/api/v1/runbook-runs/\(waitingRun)", nil, json),
            "POST /api/v1/runbook-runs/{id}/approve": ("/api/v1/runbook-runs/\(waitingRun)/approve", nil, json),
            "POST /api/v1/runbook-runs/{id}/cancel": ("/api/v1/runbook-runs/\(waitingRun)/cancel", nil, json),
            "GET /api/v1/backups": ("/api/v1/backups?environment=production", nil, json),
            "GET /api/v1/backups/{id}": ("/api/v1/backups/\(Self.storedBackup)", nil, json),
            "GET /api/v1/backups/schedules": ("/api/v1/backups/schedules?environment=production", nil, json),
            "POST /api/v1/backups": ("/api/v1/backups", #"{"dependency":"db","environment":"production"}"#, json),
            "POST /api/v1/backups/{id}/verify": ("/api/v1/backups/\(Self.storedBackup)/verify", nil, json),
            "POST /api/v1/backups/{id}/restore": ("/api/v1/backups/\(Self.storedBackup)/restore", #"{"force":true}"#, json),
            "POST /api/v1/backups/prune": ("/api/v1/backups/prune", #"{"environment":"production","dryRun":true}"#, json),
            "GET /api/v1/migrations/{dependency}": ("/api/v1/migrations/db?environment=production", nil, json),
            "POST /api/v1/migrations/{dependency}/up": ("/api/v1/migrations/db/up", #"{"environment":"production"}"#, json),
            "POST /api/v1/migrations/{dependency}/down": (
                "/api/v1/migrations/db/down", #"{"environment":"production","to":0}"#, json
            ),
            "POST /api/v1/drills": ("/api/v1/drills", #"{"environment":"production"}"#, json),
            "GET /api/v1/drills/{id}": ("/api/v1/drills/\(runningDrill)", nil, json),
            "GET /api/v1/drills": ("/api/v1/drills?environment=production", nil, json),
            "GET /api/v1/mirrors": ("/api/v1/mirrors", nil, json),
            "GET /api/v1/mirrors/{name}": ("/api/v1/mirrors/documents", nil, json),
            "POST /api/v1/mirrors/{name}/sync": ("/api/v1/mirrors/documents/sync", nil, json),
            "POST /api/v1/mirrors/{name}/restore": ("/api/v1/mirrors/documents/restore", #"{"includeRemoved":true}"#, json),
        ]
    }
}

/// A metrics source that measures the same steady traffic for every release: 100 requests, 2 errors,
/// p95 of 40 ms over any window (the fixture has no proxy; the rule tests use a real one).
struct SteadyTraffic: ReleaseMetricsProvider {
    func measure(release: Int, of target: ServiceEnvironment, over window: TimeSpan) async throws -> WindowMeasurement? {
        WindowMeasurement(
            window: window, requests: 100, errors: 2, requestsPerSecond: 100 / window.seconds, p50: 0.01, p90: 0.03,
            p95: 0.04, p99: 0.09)
    }
}
