import ArgumentParser
import Foundation
import StewardCore
import StewardOps
import StewardServer
import StewardStore

extension Steward {
    /// `steward secret set|list|rotate|remove`: the encrypted secrets vault.
    struct Secret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep secrets in the control plane's encrypted vault.",
            discussion: """
                `${secret:NAME}` in the stack file reads the vault: the value set for the instance's environment, \
                else the value set without --env, else the control plane's STEWARD_SECRET_NAME. Values are read \
                from stdin or --from-file, never from the command line, and are never shown again.
                """,
            subcommands: [SetValue.self, List.self, Rotate.self, Remove.self])

        /// `steward secret set NAME [--env ENV]`.
        struct SetValue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "set",
                abstract: "Store a new version of a secret (value from stdin or --from-file).")

            @Argument(help: "The secret's name, as ${secret:NAME} references it ([A-Z_][A-Z0-9_]*).")
            var name: String

            @Option(name: .customLong("env"), help: "Only for this environment (default: every environment).")
            var environment: String?

            @OptionGroup var input: SecretValueInput
            @OptionGroup var options: ClientOptions

            func validate() throws { try validateName(name) }

            func run() async throws {
                let value = try input.read(for: name)
                try await reportingErrors {
                    let body = try JSONEncoder.steward.encode(SecretRequest(value: value, environment: environment))
                    let data = try await options.client().send("PUT", "/api/v1/secrets/\(name.urlPathEncoded)", body: body)
                    if options.output == .json { return printJSON(data) }
                    let info = try JSONDecoder.steward.decode(SecretInfo.self, from: data)
                    print("secret \(info.name) set \(scope(info.environment)): version \(info.version)")
                }
            }
        }

        /// `steward secret list [--env ENV]`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List secrets: names, versions, who set them and when (never values).")

            @Option(name: .customLong("env"), help: "Only what this environment's instances see.")
            var environment: String?

            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await options.client().send("GET", "/api/v1/secrets" + query)
                    if options.output == .json { return printJSON(data) }
                    let secrets = try JSONDecoder.steward.decode([SecretInfo].self, from: data)
                    guard !secrets.isEmpty else { return print("no secrets") }
                    var table = [["NAME", "ENV", "VERSION", "VERSIONS", "SET BY", "SET AT"]]
                    for secret in secrets {
                        table.append([
                            secret.name, secret.environment ?? "(all)", String(secret.version), String(secret.versions),
                            secret.setBy, StewardDate.format(secret.setAt),
                        ])
                    }
                    print(Table.render(table))
                }
            }
        }

        /// `steward secret rotate NAME [--env ENV] [--restart [--wait]]`.
        struct Rotate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Store a new version of an existing secret; with --restart, roll every service that reads it.",
                discussion: """
                    --restart re-deploys the current version of every service whose instances read the secret in the \
                    scope that changed, as rolling deployments: new instances start with the new value beside the old \
                    ones, which stop only once the new ones are ready.
                    """)

            @Argument(help: "The secret's name.")
            var name: String

            @Option(name: .customLong("env"), help: "The environment's own value (default: the every-environment value).")
            var environment: String?

            @Flag(help: "Roll every service that reads the secret (zero downtime).")
            var restart = false

            @Flag(help: "With --restart, follow the deployments until they finish; exit 1 when one fails.")
            var wait = false

            @Option(help: "With --wait, give up following after this many seconds (exit 1).")
            var timeout: Int = 600

            @OptionGroup var input: SecretValueInput
            @OptionGroup var options: ClientOptions

            func validate() throws {
                try validateName(name)
                if wait, !restart { throw ValidationError("--wait follows the restarts: give --restart too") }
                guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            }

            func run() async throws {
                let value = try input.read(for: name)
                try await reportingErrors {
                    let request = SecretRequest(value: value, environment: environment, restart: restart ? true : nil)
                    let client = options.client()
                    let data = try await client.send(
                        "POST", "/api/v1/secrets/\(name.urlPathEncoded)/rotate", body: try JSONEncoder.steward.encode(request))
                    let answer = try JSONDecoder.steward.decode(SecretRotatedAnswer.self, from: data)
                    if options.output == .json, !wait { return printJSON(data) }
                    if options.output == .text {
                        print("secret \(answer.secret.name) rotated \(scope(answer.secret.environment)): version \(answer.secret.version)")
                    }
                    guard let restarts = answer.restart else { return }
                    for skipped in restarts.skipped {
                        printError("not restarted: \(skipped.service)/\(skipped.environment): \(skipped.reason)")
                    }
                    if restarts.deployments.isEmpty, options.output == .text { print("no running service reads \(name) there") }
                    let follower = DeploymentFollower(client: client, output: options.output)
                    for deployment in restarts.deployments {
                        try await follower.report(
                            deployment, initialData: try JSONEncoder.steward.encode(deployment), wait: wait, timeout: timeout)
                    }
                    if !restarts.skipped.isEmpty { throw CLIError.failed("\(restarts.skipped.count) user(s) of \(name) not restarted") }
                }
            }
        }

        /// `steward secret remove NAME [--env ENV]`.
        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete every version of a secret in one scope.")

            @Argument(help: "The secret's name.")
            var name: String

            @Option(name: .customLong("env"), help: "The environment's own value (default: the every-environment value).")
            var environment: String?

            @OptionGroup var options: ClientOptions

            func validate() throws { try validateName(name) }

            func run() async throws {
                try await reportingErrors {
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await options.client().send("DELETE", "/api/v1/secrets/\(name.urlPathEncoded)" + query)
                    if options.output == .json { return printJSON(data) }
                    let info = try JSONDecoder.steward.decode(SecretInfo.self, from: data)
                    print("secret \(info.name) removed \(scope(info.environment)) (\(info.versions) version(s))")
                }
            }
        }
    }
}

/// Refuses a name the vault would refuse, before anything is sent (exit 64).
private func validateName(_ name: String) throws {
    if let problem = SecretRules.problem(inName: name) { throw ValidationError(problem) }
}

/// "for every environment" or "for ENV".
private func scope(_ environment: String?) -> String {
    environment.map { "for \($0)" } ?? "for every environment"
}
