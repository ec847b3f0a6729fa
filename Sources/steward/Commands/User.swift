import ArgumentParser
import Foundation
import StewardCore
import StewardHTTP
import StewardServer

extension Steward {
    /// `steward user add|list|remove`: who may use the control plane, with roles per environment.
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and remove users (admin).",
            discussion: """
                Roles, each including the ones before it: viewer < deployer < approver < operator < admin. \
                A role applies to every environment, or to one with ROLE@ENV (e.g. --role deployer@staging \
                --role viewer@production).
                """,
            subcommands: [Add.self, List.self, Remove.self])
    }
}

extension Steward.User {
    /// `steward user add NAME --role ROLE[@ENV] ...`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with roles.")

        @Argument(help: "The user's name: letters, digits, '.', '_' or '-'.")
        var name: String

        @Option(name: .customLong("role"), help: "A role, ROLE or ROLE@ENV; repeat for several.")
        var roles: [String] = []

        @OptionGroup var options: ClientOptions

        func validate() throws {
            guard AccessName.isValid(name) else {
                throw ValidationError("user name '\(name)' must be 1 to 64 letters, digits, '.', '_' or '-'")
            }
            guard !roles.isEmpty else { throw ValidationError("give at least one --role, such as --role viewer") }
            for role in roles where RoleGrant(role) == nil {
                let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--role '\(role)' is not ROLE or ROLE@ENV with a known role (\(known))")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let body = try JSONEncoder.steward.encode(UserRequest(name: name, roles: roles))
                let data = try await options.client().send("POST", "/api/v1/users", body: body)
                if options.output == .json { return printJSON(data) }
                let user = try JSONDecoder.steward.decode(UserView.self, from: data)
                print("added user \(user.name): \(user.roles.joined(separator: ", "))")
            }
        }
    }

    /// `steward user list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let data = try await options.client().send("GET", "/api/v1/users")
                if options.output == .json { return printJSON(data) }
                let users = try JSONDecoder.steward.decode([UserView].self, from: data)
                var table = [["USER", "ROLES", "ADDED"]]
                for user in users {
                    table.append([user.name, user.roles.joined(separator: ","), StewardDate.format(user.createdAt)])
                }
                print(Table.render(table))
            }
        }
    }

    /// `steward user remove NAME`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and revoke their tokens.")

        @Argument(help: "The user's name.")
        var name: String

        @OptionGroup var options: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let data = try await options.client().send("DELETE", "/api/v1/users/\(name.urlPathEncoded)")
                if options.output == .json { return printJSON(data) }
                let removed = try JSONDecoder.steward.decode(RemovedUser.self, from: data)
                let tokens = removed.revokedTokens.isEmpty ? "no tokens" : "revoked " + removed.revokedTokens.joined(separator: ", ")
                print("removed user \(removed.user) (\(tokens))")
            }
        }
    }
}
