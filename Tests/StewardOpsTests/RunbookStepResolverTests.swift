import Foundation
import StewardCore
@testable import StewardOps
import Testing

/// How a runbook step is resolved for an environment, and how its secrets are kept out of what is shown.
struct RunbookStepResolverTests {
    static let stackText = """
        stack: shop
        dependencies:
          db: {url: "postgres://app:${secret:DB_PASSWORD}@db.internal:5432/shop"}
          cache: {url: "redis://:literal-pw@cache:6379/0"}
        services:
          api: {command: /bin/api, port: 8080}
        environments:
          staging: {}
        """

    func resolver() throws -> RunbookStepResolver {
        let stack = try StackFile.parse(Self.stackText, file: "steward.yaml").get()
        let secrets = SecretSource.environment(["STEWARD_SECRET_DB_PASSWORD": "pw-123", "STEWARD_SECRET_TOKEN": "tok-456"])
        return RunbookStepResolver(
            planner: InstancePlanner(stack: stack, baseDirectory: "/srv/shop", secrets: secrets), environment: "staging")
    }

    @Test func sqlGetsTheRealURLAndShowsItMasked() throws {
        let resolved = try resolver().resolve(.init(name: "q", action: .sql(dependency: "db", statements: ["SELECT 1"])))
        guard case .sql(let url, let statements) = resolved.work else { Issue.record("not sql"); return }
        #expect(url == "postgres://app:pw-123@db.internal:5432/shop")
        #expect(statements == ["SELECT 1"])
        #expect(resolved.display == "sql on postgres://app:••••••@db.internal:5432/shop: SELECT 1")
    }

    @Test func aLiteralURLPasswordIsMaskedToo() throws {
        let resolved = try resolver().resolve(.init(name: "f", action: .redis(dependency: "cache", command: ["FLUSHDB"])))
        #expect(resolved.display == "redis on redis://:••••••@cache:6379/0: FLUSHDB")
        let output = resolved.mask.apply(RunbookStepResult(succeeded: false, value: "literal-pw", output: "AUTH literal-pw", error: "bad literal-pw"))
        #expect(output.output == "AUTH ••••••" && output.value == "••••••" && output.error == "bad ••••••")
    }

    @Test func commandSecretsTravelInTheEnvironmentOnly() throws {
        let resolved = try resolver().resolve(
            .init(name: "c", action: .command(["sh", "-c", "echo $TOKEN ${environment}"], env: ["TOKEN": "${secret:TOKEN}"])))
        guard case .command(let argv, let environment, let directory) = resolved.work else { Issue.record("not run"); return }
        #expect(argv == ["sh", "-c", "echo $TOKEN staging"])
        #expect(environment["TOKEN"] == "tok-456")
        #expect(environment["STEWARD_ENVIRONMENT"] == "staging")
        #expect(directory == "/srv/shop")
        #expect(resolved.display == "run: sh -c 'echo $TOKEN staging' (env: TOKEN)")
        #expect(resolved.mask.apply("token is tok-456") == "token is ••••••")
    }

    @Test func httpResolvesServicePortsAndMasksSecretsInHeaders() throws {
        let resolved = try resolver().resolve(
            .init(
                name: "h",
                action: .http(.init(
                    method: "POST", url: "http://127.0.0.1:${services.api.port}/admin?key=${secret:TOKEN}",
                    headers: ["Authorization": "Bearer ${secret:TOKEN}"], body: nil, expectStatus: []))))
        guard case .http(_, let url, let headers, _, _) = resolved.work else { Issue.record("not http"); return }
        #expect(url == "http://127.0.0.1:8080/admin?key=tok-456")
        #expect(headers["Authorization"] == "Bearer tok-456")
        #expect(resolved.display == "http: POST http://127.0.0.1:8080/admin?key=•••••• expect 2xx")
    }

    @Test func instanceReferencesAndMissingSecretsAreRefused() throws {
        #expect(throws: (any Error).self) {
            try resolver().resolve(.init(name: "p", action: .http(.init(url: "http://127.0.0.1:${port}/"))))
        }
        #expect(throws: (any Error).self) {
            try resolver().resolve(.init(name: "s", action: .command(["true"], env: ["X": "${secret:NOT_SET}"])))
        }
    }
}
