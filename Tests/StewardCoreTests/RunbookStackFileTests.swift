import Foundation
import StewardCore
import Testing

/// The `runbooks:` section: each step kind, and each mistake named at its line and column.
@Suite struct RunbookStackFileTests {
    static let head = """
        stack: shop
        dependencies:
          db: {url: "postgres://shop:${secret:DB_PASSWORD}@db:5432/shop"}
          cache: {url: "redis://cache:6379/0"}
        services:
          api: {command: /bin/api, port: 8080}
        environments:
          staging: {}
        runbooks:
          - name: fix
            steps:

        """

    static func parse(_ steps: String) -> Result<StackSpec, StackFileErrors> {
        StackFile.parse(head + steps, file: "steward.yaml")
    }

    static func errors(_ steps: String) -> [String] {
        guard case .failure(let errors) = parse(steps) else { return [] }
        return errors.errors.map(\.description)
    }

    @Test func everyStepKindParses() throws {
        let stack = try Self.parse("""
                  - name: count
                    sql: {dependency: db, statement: "SELECT count(*) FROM pg_stat_activity"}
                  - name: archive
                    when: steps.count.value > 0
                    sql: {dependency: db, statements: ["DELETE FROM a", "SELECT 1"]}
                    timeout: 2m
                  - name: flush
                    confirm: true
                    redis: {dependency: cache, command: FLUSHDB}
                  - name: ping
                    stopOnFailure: false
                    http: {url: "http://127.0.0.1:${services.api.port}/health", method: post, expectStatus: [200, 204], headers: {X-Env: "${environment}"}}
                  - name: report
                    run: [sh, -c, 'echo "$DB"']
                    env: {DB: "${dependencies.db.url}"}
                  - name: restart
                    restart: api
                  - name: scale
                    scale: {service: api, instances: 3}
                  - name: gate
                    confirm: true
            """).get()
        let steps = try #require(stack.runbooks.first?.steps)
        #expect(steps.map(\.action.kind) == ["sql", "sql", "redis", "http", "run", "restart", "scale", "confirm"])
        #expect(steps[1].condition?.text == "steps.count.value > 0")
        #expect(steps[1].timeout == .minutes(2))
        #expect(steps[3].action == .http(.init(
            method: "POST", url: "http://127.0.0.1:${services.api.port}/health", headers: ["X-Env": "${environment}"],
            expectStatus: [200, 204])))
        #expect(steps[4].action == .command(["sh", "-c", "echo \"$DB\""], env: ["DB": "${dependencies.db.url}"]))
        #expect(!steps[3].stopOnFailure && steps[0].stopOnFailure)
        #expect(steps[0].timeout == RunbookSpec.Step.defaultTimeout)
    }

    @Test func secretsInArgumentsAreRefused() {
        let errors = Self.errors("      - name: x\n        run: [psql, \"${dependencies.db.url}\"]\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("steward.yaml:13:") == true)
        #expect(errors.first?.contains("pass them in `env`") == true)
    }

    @Test func aStepNeedsExactlyOneThingToDo() {
        #expect(Self.errors("      - name: x\n        stopOnFailure: false\n").first?.contains("run, http, sql, redis, restart, scale") == true)
        let both = Self.errors("      - name: x\n        restart: api\n        scale: {service: api, instances: 2}\n")
        #expect(both.count == 1)
        #expect(both.first?.hasPrefix("steward.yaml:14:9:") == true)
    }

    @Test func dependenciesMustBeOfTheRightKind() {
        let errors = Self.errors("      - name: x\n        redis: {dependency: db, command: PING}\n")
        #expect(errors == [
            "steward.yaml:13:29: invalid value 'db' for 'dependency' in redis of step 'x' of runbook 'fix': 'db' is a postgres dependency and redis steps send Redis commands; expected a redis dependency: cache"
        ])
    }

    @Test func conditionsReadEarlierStepsOnly() {
        let later = Self.errors("      - name: a\n        when: steps.b.succeeded\n        restart: api\n      - name: b\n        restart: api\n")
        #expect(later.count == 1)
        #expect(later.first?.contains("expected an earlier step of this runbook") == true)
        let malformed = Self.errors("      - name: a\n        restart: api\n      - name: b\n        when: steps.a.rows\n        restart: api\n")
        #expect(malformed.first?.contains("is not yes or no") == true)
    }

    @Test func unknownServicesAndBadCountsAreRefused() {
        #expect(Self.errors("      - name: a\n        restart: apo\n").first?.contains("did you mean 'api'") == true)
        #expect(Self.errors("      - name: a\n        scale: {service: api, instances: 300}\n").first?.contains("0 to 256") == true)
        #expect(Self.errors("      - name: a\n        http: {url: ftp://x}\n").first?.contains("http:// or https://") == true)
        #expect(Self.errors("      - name: a\n        env: {A: b}\n        restart: api\n").first?.contains("only a command step") == true)
    }
}
