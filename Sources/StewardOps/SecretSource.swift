import Foundation
public import StewardStore

/// Where `${secret:NAME}` values come from, for an instance's environment.
///
/// Secrets are resolved only when an instance starts and are never written to the event
/// log: releases keep the references, not the values. The control plane's source reads the
/// vault first (the environment's own value, then the value for every environment) and falls
/// back to the process environment (`STEWARD_SECRET_NAME`).
public struct SecretSource: Sendable {
    let lookup: @Sendable (_ name: String, _ environment: String?) throws -> String?

    /// A source backed by a closure that ignores environments.
    public init(lookup: @escaping @Sendable (String) -> String?) { self.lookup = { name, _ in lookup(name) } }

    /// A source backed by a closure of the name and the environment (nil outside any environment,
    /// such as a dependency's probe). It may throw, for a value that cannot be read.
    public static func scoped(_ lookup: @escaping @Sendable (String, String?) throws -> String?) -> SecretSource {
        SecretSource(scoped: lookup)
    }

    private init(scoped lookup: @escaping @Sendable (String, String?) throws -> String?) { self.lookup = lookup }

    /// Secrets from the control plane's environment: `${secret:DB_PASSWORD}` reads `STEWARD_SECRET_DB_PASSWORD`.
    public static func environment(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> SecretSource {
        SecretSource { variables["STEWARD_SECRET_\($0)"] }
    }

    /// The vault first (the environment's own value, then the every-environment one), then `fallback`.
    public static func vault(_ vault: SecretVault, fallback: SecretSource = .environment()) -> SecretSource {
        .scoped { name, environment in
            try vault.resolve(name, in: environment) ?? fallback.value(of: name, environment: environment)
        }
    }

    /// The value of a secret for an environment, or nil when it is not set.
    ///
    /// - Throws: when a stored value cannot be read (such as a vault sealed under another key).
    public func value(of name: String, environment: String? = nil) throws -> String? { try lookup(name, environment) }
}
