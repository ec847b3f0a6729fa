import Foundation
import StewardCore
import Testing

/// Each kind of mistake gives exactly this line: file:line:column, what was found, what was expected.
@Suite struct StackFileErrorTests {
    /// The rendered errors of a document that must not parse.
    static func errors(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        switch StackFile.parse(text, file: "steward.yaml") {
        case .success:
            Issue.record("expected errors, but the document parsed", sourceLocation: sourceLocation)
            return []
        case .failure(let errors):
            return errors.errors.map(\.description)
        }
    }

    static let serviceKeys =
        "command, args, env, workingDirectory, port, instances, dependsOn, liveness, readiness, stopGracePeriod, restart, deploy, logs"

    // MARK: Keys

    @Test func unknownKeyWithSuggestion() {
        let text = """
            version: 1
            stack: shop
            services:
              api:
                comand: /opt/shop/bin/api
                port: 8080
            """
        // The misspelling also leaves 'command' missing; the suggestion says so, once.
        #expect(
            Self.errors(text) == [
                "steward.yaml:5:5: unknown key 'comand' in service 'api'; expected one of \(Self.serviceKeys); did you mean 'command'?"
            ])
    }

    @Test func unknownKeyWithoutSuggestion() {
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    colour: blue\n") == [
                "steward.yaml:5:5: unknown key 'colour' in service 'api'; expected one of \(Self.serviceKeys)"
            ])
    }

    @Test func unknownKeysAtTheTopLevelAndSnakeCaseSuggestions() {
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    depends_on: []\nservice: {}\n") == [
                "steward.yaml:5:5: unknown key 'depends_on' in service 'api'; expected one of \(Self.serviceKeys); did you mean 'dependsOn'?",
                "steward.yaml:6:1: unknown key 'service' at the top level; expected one of version, stack, dependencies, services, environments, slos, backups, alerts, runbooks, incidents, recovery, mirrors; did you mean 'services'?",
            ])
    }

    @Test func missingKeyPointsAtTheMappingThatLacksIt() {
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    port: 8080\n") == [
                "steward.yaml:4:5: missing key 'command' in service 'api'; expected a string: the executable to run"
            ])
        #expect(
            Self.errors("services: {}\n") == [
                "steward.yaml:1:1: missing key 'stack' at the top level; expected a name of lowercase letters, digits and '-', starting with a letter"
            ])
    }

    @Test func duplicateKeysAreAllReportedAndTheRestOfTheFileIsStillRead() {
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    port: 8080\n    port: 8081\n    prot: 1\n")
                == [
                    "steward.yaml:6:5: duplicate key 'port' in service 'api' (first at line 5); expected each key once",
                    "steward.yaml:7:5: unknown key 'prot' in service 'api'; expected one of \(Self.serviceKeys); did you mean 'port'?",
                ])
        #expect(
            Self.errors("stack: shop\nstack: shop\nstack: shop\nversion: 1\n\"version\": 1\n") == [
                "steward.yaml:2:1: duplicate key 'stack' at the top level (first at line 1); expected each key once",
                "steward.yaml:3:1: duplicate key 'stack' at the top level (first at line 1); expected each key once",
                "steward.yaml:5:1: duplicate key 'version' at the top level (first at line 4); expected each key once",
            ])
        #expect(
            Self.errors("stack: shop\nservices: {api: {command: a, command: b, port: 1, port: 2}}\n") == [
                "steward.yaml:2:30: duplicate key 'command' in service 'api' (first at line 2); expected each key once",
                "steward.yaml:2:51: duplicate key 'port' in service 'api' (first at line 2); expected each key once",
            ])
    }

    // MARK: Types and values

    @Test func wrongTypeAndInvalidValue() {
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    port: [8080]\n") == [
                "steward.yaml:5:11: wrong type for 'port' in service 'api': found a list, expected an integer from 1 to 65535"
            ])
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    port: 70000\n    instances: many\n")
                == [
                    "steward.yaml:5:11: invalid value '70000' for 'port' in service 'api'; expected an integer from 1 to 65535",
                    "steward.yaml:6:16: invalid value 'many' for 'instances' in service 'api'; expected an integer from 0 to 256",
                ])
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command:\n") == [
                "steward.yaml:4:13: wrong type for 'command' in service 'api': found nothing, expected a string: the executable to run"
            ])
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    restart: {policy: sometimes}\n")
                == [
                    "steward.yaml:5:23: invalid value 'sometimes' for 'policy' in restart policy of service 'api'; expected one of always, on-failure, never"
                ])
        #expect(
            Self.errors("stack: Shop\nversion: 2\n") == [
                "steward.yaml:1:8: invalid value 'Shop' for 'stack'; expected a name of lowercase letters, digits and '-', starting with a letter",
                "steward.yaml:2:10: invalid value '2' for 'version'; expected 1 (the only version this Steward reads)",
            ])
    }

    @Test func theDocumentItselfHasTheWrongShape() {
        #expect(
            Self.errors("") == [
                "steward.yaml:1:1: wrong type for the document: found an empty document, expected a mapping with at least 'stack'"
            ])
        #expect(
            Self.errors("[1, 2]\n") == [
                "steward.yaml:1:1: wrong type for the document: found a list, expected a mapping with at least 'stack'"
            ])
    }

    // MARK: Names and references

    @Test func duplicateNames() {
        #expect(
            Self.errors(
                "stack: shop\ndependencies:\n  db: {url: 'postgres://db/x'}\nservices:\n  db:\n    command: /bin/db\n")
                == [
                    "steward.yaml:5:3: duplicate name 'db' for 'services' (first at line 3); expected names unique across dependencies and services"
                ])
        #expect(
            Self.errors(
                "stack: shop\nslos:\n  - {name: up, service: api, availability: 99}\n  - {name: up, service: api, availability: 99.9}\nservices:\n  api: {command: /bin/api}\n"
            ) == [
                "steward.yaml:4:12: duplicate name 'up' for 'name' in SLO 'up' (first at line 3); expected unique SLO names"
            ])
        #expect(
            Self.errors("stack: shop\nservices:\n  API: {command: /bin/api}\n") == [
                "steward.yaml:3:3: invalid value 'API' for 'services'; expected a name of lowercase letters, digits and '-', starting with a letter"
            ])
    }

    @Test func unknownNamesSuggestTheClosestDeclaredOne() {
        #expect(
            Self.errors(
                "stack: shop\ndependencies:\n  db: {url: 'postgres://db/x'}\nservices:\n  api:\n    command: /bin/api\n    dependsOn: [dbb]\n"
            ) == [
                "steward.yaml:7:17: unknown reference 'dbb' in 'dependsOn' in service 'api'; expected a declared dependency or service: db, api; did you mean 'db'?"
            ])
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api: {command: /bin/api}\nenvironments:\n  staging: {promotesTo: prod, instances: {apii: 2}}\n  production: {}\n"
            )
                == [
                    "steward.yaml:5:25: unknown reference 'prod' in 'promotesTo' in environment 'staging'; expected a declared environment: production",
                    "steward.yaml:5:43: unknown reference 'apii' in 'instances' in environment 'staging'; expected a declared service: api; did you mean 'api'?",
                ])
    }

    @Test func badReferencesInValues() {
        #expect(
            Self.errors(
                "stack: shop\ndependencies:\n  db: {url: 'postgres://db/x'}\nservices:\n  api:\n    command: /bin/api\n    env: {DB: '${dependencies.dbb.url}'}\n"
            ) == [
                "steward.yaml:7:15: unknown reference '${dependencies.dbb.url}' in 'env.DB' in service 'api'; expected a declared dependency: db; did you mean '${dependencies.db.url}'?"
            ])
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    args: [--port, '${prot}']\n") == [
                "steward.yaml:5:20: unknown reference '${prot}' in 'args' in service 'api'; expected one of ${port}, ${version}, ${service}, ${environment}, ${instance}, ${secret:NAME}, ${dependencies.NAME.url}, ${services.NAME.port}; did you mean '${port}'?"
            ])
        #expect(
            Self.errors("stack: shop\ndependencies:\n  db: {url: 'postgres://db:${port}/x'}\n") == [
                "steward.yaml:3:13: unknown reference '${port}' in 'url' in dependency 'db'; expected ${secret:NAME}, the only reference a URL may use"
            ])
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    env: {TOKEN: '${secret:token}', PORT: '${port'}\n"
            )
                == [
                    "steward.yaml:5:18: invalid value '${secret:token}' for 'env.TOKEN' in service 'api': invalid reference '${secret:token}'; expected a secret name of capital letters, digits and '_', such as ${secret:DATABASE_PASSWORD}",
                    "steward.yaml:5:43: invalid value '${port' for 'env.PORT' in service 'api': unterminated reference '${port'; expected '}' to close it, or $$ for a literal $",
                ])
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api: {command: '/bin/api ${services.web.port}'}\n  web: {command: /bin/web}\n"
            ) == [
                "steward.yaml:3:18: unknown reference '${services.web.port}' in 'command' in service 'api'; expected a declared service with a port (there are none)"
            ])
    }

    @Test func cycles() {
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api: {command: /bin/api, dependsOn: [worker]}\n  worker: {command: /bin/worker, dependsOn: [api]}\n"
            ) == ["steward.yaml:4:46: cycle api → worker → api in 'dependsOn' in service 'worker'; expected no cycles"])
        #expect(
            Self.errors("stack: shop\nservices:\n  api: {command: /bin/api, dependsOn: [api]}\n") == [
                "steward.yaml:3:40: cycle api → api in 'dependsOn' in service 'api'; expected no cycles"
            ])
        #expect(
            Self.errors(
                "stack: shop\nenvironments:\n  staging: {promotesTo: production}\n  production: {promotesTo: staging}\n"
            )
                == [
                    "steward.yaml:4:28: cycle staging → production → staging in 'promotesTo' in environment 'production'; expected no cycles"
                ])
    }

    // MARK: YAML syntax

    @Test func yamlSyntaxErrorsArePositioned() {
        #expect(
            Self.errors("stack: shop\nservices:\n\tapi: {command: /bin/api}\n") == [
                "steward.yaml:3:1: invalid YAML: found character that cannot start any token (while scanning for the next token at line 3, column 1); expected spaces for indentation, not tabs"
            ])
        #expect(
            Self.errors("stack: shop\nservices: [api\n") == [
                "steward.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 11)"
            ])
        #expect(
            Self.errors("stack: shop\u{1}\n") == [
                "steward.yaml:1:12: invalid YAML: control characters are not allowed (found the character U+0001)"
            ])
        #expect(
            Self.errors("stack: a\n---\nstack: b\n") == [
                "steward.yaml:2:1: invalid YAML: expected a single document in the stream but found another document"
            ])
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: x\n    args: *nope\n") == [
                "steward.yaml:5:11: invalid YAML: found undefined alias"
            ])
    }

    // MARK: Policies

    @Test func probesNeedExactlyOneCheck() {
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    readiness: {http: /ready, tcp: true}\n    liveness: {interval: 5s}\n"
            ) == [
                "steward.yaml:5:31: conflicting keys 'http' and 'tcp' in readiness probe of service 'api'; expected exactly one of http, tcp, exec, postgres, redis",
                "steward.yaml:6:15: missing one of http, tcp, exec, postgres, redis in liveness probe of service 'api'; expected one of them",
            ])
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    readiness: {http: {path: ready, expectStatus: 700}}\n"
            )
                == [
                    "steward.yaml:5:30: invalid value 'ready' for 'path' in http check of readiness probe of service 'api'; expected a path starting with /, such as /healthz",
                    "steward.yaml:5:51: invalid value '700' for 'expectStatus' in http check of readiness probe of service 'api'; expected a status such as 200, or a range such as 200-299 or 2xx",
                ])
    }

    @Test func rulesWindowsAndSchedules() {
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    deploy: {rollback: ['error_rate > 5 for 5m']}\n"
            )
                == [
                    "steward.yaml:5:25: invalid value 'error_rate > 5 for 5m' for 'rollback' in deploy policy of service 'api': found '5'; expected a percentage such as 5% (or a fraction such as 0.05) (a rule reads METRIC OP THRESHOLD for SPAN [min N], such as 'error_rate > 5% for 5m' or 'p95 > 3s for 5m')"
                ])
        #expect(
            Self.errors("stack: shop\nenvironments:\n  production: {window: 'Sun 02:00-26:00 UTC'}\n") == [
                "steward.yaml:3:24: invalid value 'Sun 02:00-26:00 UTC' for 'window' in environment 'production': found '02:00-26:00'; expected opening and closing times such as 02:00-06:00 (a window reads DAYS HH:MM-HH:MM ZONE, such as 'Sun 02:00-06:00 UTC' or 'Mon-Fri 22:00-02:00 Europe/London')"
            ])
        #expect(
            Self.errors(
                "stack: shop\ndependencies:\n  db: {url: 'postgres://db/x'}\nbackups:\n  - {dependency: db, schedule: '0 2 * *'}\n"
            )
                == [
                    "steward.yaml:5:32: invalid value '0 2 * *' for 'schedule' in backup of 'db': it has 4 fields; expected five fields 'minute hour day-of-month month day-of-week' such as '0 2 * * *' (daily at 02:00)"
                ])
    }

    @Test func deployPolicyConsistency() {
        #expect(
            Self.errors("stack: shop\nservices:\n  api:\n    command: /bin/api\n    deploy: {strategy: canary}\n") == [
                "steward.yaml:5:13: missing key 'canary' in deploy policy of service 'api'; expected canary steps for the canary strategy, such as steps: [{weight: 10}, {pause: 5m}]"
            ])
        #expect(
            Self.errors(
                "stack: shop\nservices:\n  api:\n    command: /bin/api\n    deploy: {maxSurge: 0, canary: {steps: [{weight: 50}, {weight: 10}]}}\n"
            ) == [
                "steward.yaml:5:24: invalid value '0' for 'maxSurge' in deploy policy of service 'api': a rolling deployment with neither cannot progress; expected maxSurge or maxUnavailable of at least 1",
                "steward.yaml:5:27: invalid value 'rolling' for 'strategy' in deploy policy of service 'api': the strategy defaults to rolling, but canary steps shift traffic between two releases, which a rolling deployment does not; expected canary or blue-green",
                "steward.yaml:5:67: invalid value '10' for 'weight' in canary step 2 of service 'api'; expected a weight above the previous step's 50",
            ])
    }

    @Test func backupsNeedAPostgresDependency() {
        #expect(
            Self.errors(
                "stack: shop\ndependencies:\n  cache: {url: 'redis://c'}\nbackups:\n  - {dependency: cache}\n  - {dependency: db}\n"
            )
                == [
                    "steward.yaml:5:18: invalid value 'cache' for 'dependency' in backup of 'cache': 'cache' is a redis dependency and backups dump PostgreSQL databases; expected a postgres dependency (there are none)",
                    "steward.yaml:6:18: unknown reference 'db' in 'dependency' in backup of 'db'; expected a declared postgres dependency (there are none)",
                ])
    }

    // MARK: Several mistakes at once

    @Test func everyMistakeInABrokenFileIsReportedWithItsPosition() {
        let text = """
            version: 1
            stack: shop
            dependencies:
              db:
                type: postgress
                url: postgres://db/shop
            services:
              api:
                comand: /opt/shop/bin/api
                port: 80800
                dependsOn: [db, cache]
                readiness:
                  http: {path: /ready, expectJSON: {status: Ready}}
                  intervall: 5s
                deploy:
                  strategy: canary
                  canary:
                    steps:
                      - weight: 10
                      - pause: soon
                  rollback: [p95 > 3 for 5m]
            environments:
              production:
                window: Sun 02:00-06:00 Mars/Olympus
                approvals: -1
            recovery: {rto: 4h}
            """
        let errors: [StackFileError]
        switch StackFile.parse(text, file: "steward.yaml") {
        case .success:
            Issue.record("expected errors")
            return
        case .failure(let failure):
            errors = failure.errors
        }
        #expect(
            errors.map { "\($0.line):\($0.column)" } == [
                "5:11", "9:5", "10:11", "11:21", "14:7", "20:20", "21:18", "24:13", "25:16", "26:11",
            ])
        #expect(
            errors.map(\.description) == [
                "steward.yaml:5:11: invalid value 'postgress' for 'type' in dependency 'db'; expected one of postgres, redis, http, s3; did you mean 'postgres'?",
                "steward.yaml:9:5: unknown key 'comand' in service 'api'; expected one of \(Self.serviceKeys); did you mean 'command'?",
                "steward.yaml:10:11: invalid value '80800' for 'port' in service 'api'; expected an integer from 1 to 65535",
                "steward.yaml:11:21: unknown reference 'cache' in 'dependsOn' in service 'api'; expected a declared dependency or service: db, api",
                "steward.yaml:14:7: unknown key 'intervall' in readiness probe of service 'api'; expected one of http, tcp, exec, postgres, redis, interval, timeout, failureThreshold, successThreshold, initialDelay; did you mean 'interval'?",
                "steward.yaml:20:20: invalid value 'soon' for 'pause' in canary step 2 of service 'api'; expected a time span such as 5m, or manual (until a person promotes)",
                "steward.yaml:21:18: invalid value 'p95 > 3 for 5m' for 'rollback' in deploy policy of service 'api': found '3'; expected a latency such as 3s or 500ms (a rule reads METRIC OP THRESHOLD for SPAN [min N], such as 'error_rate > 5% for 5m' or 'p95 > 3s for 5m')",
                "steward.yaml:24:13: invalid value 'Sun 02:00-06:00 Mars/Olympus' for 'window' in environment 'production': found 'Mars/Olympus'; expected a time zone such as UTC or Europe/London (a window reads DAYS HH:MM-HH:MM ZONE, such as 'Sun 02:00-06:00 UTC' or 'Mon-Fri 22:00-02:00 Europe/London')",
                "steward.yaml:25:16: invalid value '-1' for 'approvals' in environment 'production'; expected an integer of 0 or more",
                "steward.yaml:26:11: missing key 'rpo' in recovery; expected a time span such as 10s, 5m or 250ms",
            ])
        // The typed problem is there for programs.
        #expect(
            errors[1].problem
                == .unknownKey(
                    found: "comand", expected: Self.serviceKeys.components(separatedBy: ", "), suggestion: "command"))
        #expect(errors[1].key == nil)
        #expect(errors[1].context == "service 'api'")
        // StackFileErrors renders one line per error.
        if case .failure(let all) = StackFile.parse(text, file: "steward.yaml") {
            #expect(all.description == errors.map(\.description).joined(separator: "\n"))
        }
    }
}

extension StackFileErrorTests {
    /// A backup destination naming a bucket S3 would refuse is reported where it is written.
    @Test func badBucketInABackupDestination() {
        let text = """
            stack: shop
            dependencies:
              db:
                url: postgres://app@127.0.0.1:5432/app
            services:
              api:
                command: /bin/true
            backups:
              - dependency: db
                destination: s3://Shop_Backups/db
            """
        let errors = Self.errors(text)
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("steward.yaml:10:18: ") == true, "\(errors)")
        #expect(errors.first?.contains("'Shop_Backups' is not a bucket name") == true, "\(errors)")
        #expect(errors.first?.contains("a folder path or s3://BUCKET/PREFIX") == true, "\(errors)")
    }
}
