/// What a user may do, from least to most: each role includes the ones below it.
///
/// `viewer` reads; `deployer` deploys, rolls back, aborts, stops and starts (a service, or a
/// whole environment with `down`); `approver` approves promotions; `operator` runs runbooks,
/// secrets, scale and restart; `admin` applies stacks and manages users and tokens.
public enum Role: String, Sendable, CaseIterable, Comparable, Codable {
    case viewer, deployer, approver, `operator`, admin

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A role granted in one environment, or in every environment when ``environment`` is nil.
///
/// Written `ROLE@ENV` or `ROLE`, e.g. `deployer@staging`, `viewer`.
public struct RoleGrant: Sendable, Hashable, CustomStringConvertible {
    public var role: Role
    /// The environment, or nil for every environment.
    public var environment: String?

    public init(_ role: Role, in environment: String? = nil) {
        self.role = role
        self.environment = environment
    }

    /// Parses `ROLE` or `ROLE@ENV`; nil when the role is unknown or the environment empty.
    public init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let role = Role(rawValue: parts[0]) else { return nil }
        if parts.count == 2 {
            guard !parts[1].isEmpty, !parts[1].contains(","), !parts[1].contains("@") else { return nil }
            self.init(role, in: parts[1])
        } else {
            self.init(role)
        }
    }

    public var description: String { environment.map { "\(role.rawValue)@\($0)" } ?? role.rawValue }
}

/// Who is calling: the user a token belongs to and the roles they hold.
public struct Caller: Sendable, Equatable {
    /// The user's name; events the request causes carry it as their actor.
    public var name: String
    public var grants: [RoleGrant]

    public init(name: String, grants: [RoleGrant]) {
        self.name = name
        self.grants = grants
    }

    /// The highest role held in an environment (a grant without an environment counts everywhere).
    public func role(in environment: String) -> Role? {
        grants.filter { $0.environment == nil || $0.environment == environment }.map(\.role).max()
    }

    /// The role held in every one of `environments`: the lowest of ``role(in:)`` over them; with
    /// no environments, the highest role granted for every environment.
    public func role(inEvery environments: [String]) -> Role? {
        guard !environments.isEmpty else { return grants.filter { $0.environment == nil }.map(\.role).max() }
        var lowest = Role.admin
        for environment in environments {
            guard let role = role(in: environment) else { return nil }
            lowest = min(lowest, role)
        }
        return lowest
    }
}
