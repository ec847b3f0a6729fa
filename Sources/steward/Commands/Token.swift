import ArgumentParser
import Foundation
import StewardCore
import StewardServer

extension Steward {
    /// `steward token create|list|revoke`: API tokens of users.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and revoke API tokens (admin).",
            discussion: "A token acts with its user's roles. Its value is shown once, at creation; Steward keeps only its SHA-256.",
            subcommands: [Create.self, List.self, Revoke.self])
    }
}

extension Steward.Token {
    /// `steward token create --user NAME [--expires 30d]`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user; prints it once.")

        @Option(help: "The user the token acts for.")
        var user: String

        @Option(help: "How long it is valid: a number and d, h or m, such as 30d (default: no expiry).")
        var expires: String?

        @OptionGroup var options: ClientOptions

        func validate() throws {
            if let expires, TokenLifetime.seconds(expires) == nil {
                throw ValidationError("--expires '\(expires)' is not a lifetime such as 30d, 12h or 45m (at most 3650d)")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let body = try JSONEncoder.steward.encode(TokenRequest(user: user, expiresIn: expires))
                let data = try await options.client().send("POST", "/api/v1/tokens", body: body)
                if options.output == .json { return printJSON(data) }
                let created = try JSONDecoder.steward.decode(CreatedToken.self, from: data)
                let expiry = created.expiresAt.map { "expires \(StewardDate.format($0))" } ?? "never expires"
                printError("token \(created.id) for \(created.user) (\(expiry)); it is shown only now:")
                print(created.token)
            }
        }
    }

    /// `steward token list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: user, state, expiry and last use (never values).")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let data = try await options.client().send("GET", "/api/v1/tokens")
                if options.output == .json { return printJSON(data) }
                let tokens = try JSONDecoder.steward.decode([TokenView].self, from: data)
                var table = [["TOKEN", "USER", "STATE", "CREATED", "EXPIRES", "LAST USED"]]
                for token in tokens {
                    table.append([
                        token.id, token.user, token.state, StewardDate.format(token.createdAt),
                        token.expiresAt.map(StewardDate.format) ?? "never", token.lastUsedAt.map(StewardDate.format) ?? "never",
                    ])
                }
                print(Table.render(table))
            }
        }
    }

    /// `steward token revoke TOKEN_ID`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; it stops authenticating at once.")

        @Argument(help: "The token's id, as `steward token list` shows it.")
        var id: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let data = try await options.client().send("DELETE", "/api/v1/tokens/\(id.urlPathEncoded)")
                if options.output == .json { return printJSON(data) }
                let token = try JSONDecoder.steward.decode(TokenView.self, from: data)
                print("revoked token \(token.id) of \(token.user)")
            }
        }
    }
}
