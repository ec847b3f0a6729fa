import Foundation

/// Where `${secret:NAME}` values come from.
///
/// Secrets are resolved only when an instance starts and are never written to the event
/// log: releases keep the references, not the values.
public struct SecretSource: Sendable {
    let lookup: @Sendable (String) -> String?

    /// A source backed by a closure.
    public init(lookup: @escaping @Sendable (String) -> String?) { self.lookup = lookup }

    /// Secrets from the control plane's environment: `${secret:DB_PASSWORD}` reads `STEWARD_SECRET_DB_PASSWORD`.
    public static func environment(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> SecretSource {
        SecretSource { variables["STEWARD_SECRET_\($0)"] }
    }

    /// The value of a secret, or nil when it is not set.
    public func value(of name: String) -> String? { lookup(name) }
}
