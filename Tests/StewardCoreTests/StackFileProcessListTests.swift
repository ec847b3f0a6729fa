import Foundation
import StewardCore
import Testing

/// Secrets never reach a process list: `${secret:…}` and `${dependencies.X.url}` are refused in a
/// service's command and arguments and in exec probes, and stay allowed in `env` and probe URLs.
@Suite struct StackFileProcessListTests {
    static func analyze(_ text: String) -> Result<StackSpec, StackFileErrors> {
        StackFile.parse(text, file: "steward.yaml")
    }

    /// A stack whose `api` service has `snippet` (indented under the service) added.
    static func stack(_ snippet: String) -> String {
        """
        stack: shop
        dependencies:
          db:
            url: postgres://shop:${secret:DB_PASSWORD}@db.internal:5432/shop
        services:
          api:
        \(snippet.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    static let secretReferences = ["${secret:DB_PASSWORD}", "${dependencies.db.url}"]

    /// The one error for `snippet`, which must be refused for putting a secret on the process list.
    static func refusal(_ snippet: String, _ reference: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> StackFileError?
    {
        let text = stack(snippet)
        guard case .failure(let errors) = analyze(text) else {
            Issue.record("accepted:\n\(text)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(errors.errors.count == 1, "\(errors)", sourceLocation: sourceLocation)
        let error = errors.errors.first
        #expect(
            error?.description.contains("secrets reach the process list through arguments; pass them in `env`") == true,
            "\(errors)", sourceLocation: sourceLocation)
        #expect(error?.description.contains(reference) == true, "\(errors)", sourceLocation: sourceLocation)
        return error
    }

    /// A secret or a dependency URL in `command` is refused, at the command's value.
    @Test func refusedInTheCommand() throws {
        for reference in Self.secretReferences {
            let error = try #require(Self.refusal("command: /bin/api --db=\(reference)", reference))
            #expect(error.line == 7)
            #expect(error.column == 14)
            #expect(error.key == "command")
        }
    }

    /// A secret or a dependency URL in any argument is refused, at that argument.
    @Test func refusedInArguments() throws {
        for reference in Self.secretReferences {
            let snippet = "command: /bin/api\nargs:\n  - --port\n  - \"--db=\(reference)\""
            let error = try #require(Self.refusal(snippet, reference))
            #expect(error.line == 10)
            #expect(error.key == "args")
        }
    }

    /// A secret or a dependency URL in an exec probe's command is refused, in both forms of a command.
    @Test func refusedInExecProbes() throws {
        for reference in Self.secretReferences {
            for exec in ["exec: psql \(reference) -c 'SELECT 1'", "exec: [psql, \"\(reference)\"]"] {
                let error = try #require(Self.refusal("command: /bin/api\nreadiness:\n  \(exec)", reference))
                #expect(error.line == 9)
                #expect(error.key == "exec")
            }
        }
    }

    /// The same references are accepted in `env` values and in postgres/redis/http probe targets,
    /// and other references stay allowed in commands and arguments.
    @Test func allowedInEnvAndProbeTargets() throws {
        let snippet = """
            command: /bin/api
            args: [--port, "${port}", --version, "${version}", --name, "${service}-${environment}-${instance}"]
            env:
              DATABASE_URL: ${dependencies.db.url}
              DB_PASSWORD: ${secret:DB_PASSWORD}
            liveness:
              postgres: ${dependencies.db.url}
            readiness:
              http: {path: /readyz, headers: {Authorization: "Bearer ${secret:PROBE_TOKEN}"}}
            """
        let spec = try Self.analyze(Self.stack(snippet)).get()
        let api = try #require(spec.service(named: "api"))
        #expect(api.env["DATABASE_URL"] == "${dependencies.db.url}")
        #expect(api.liveness?.check == .postgres(url: "${dependencies.db.url}"))
    }

    /// Every example stack keeps its secrets out of commands and arguments, so all still validate.
    @Test func examplesStillValidate() throws {
        for file in try StackFileExamplesTests.exampleFiles() {
            let text = try String(contentsOf: file, encoding: .utf8)
            let result = StackFile.parse(text, file: file.lastPathComponent)
            if case .failure(let errors) = result { Issue.record("\(errors)") }
        }
    }
}
