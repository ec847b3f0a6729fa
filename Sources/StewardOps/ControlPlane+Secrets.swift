import Foundation
public import StewardCore
public import StewardStore

extension ControlPlane {
    /// A service in an environment that a rotation did not restart, and why.
    public struct SkippedRestart: Sendable, Codable, Equatable {
        public var service: String
        public var environment: String
        public var reason: String
    }

    /// What `rotate --restart` started: one rolling deployment per user of the secret.
    public struct SecretRestart: Sendable, Codable {
        /// The deployments started, by service then environment.
        public var deployments: [Deployment]
        /// The users it could not restart (a deployment already running there, …).
        public var skipped: [SkippedRestart]
    }

    /// The vault, or a refusal when this control plane runs without one.
    func requireVault() throws -> SecretVault {
        guard let vault else { throw ControlPlaneError.invalid("this control plane has no secrets vault") }
        return vault
    }

    /// Stores a new version of a secret (`secret.set`).
    ///
    /// - Throws: ``ControlPlaneError/notFound(_:)`` for an environment the stack does not declare;
    ///   `VaultError` for a bad name or value.
    public func setSecret(_ name: String, environment: String?, value: String, actor: String) throws -> SecretInfo {
        let vault = try requireVault()
        try checkEnvironment(environment)
        let change = try vault.set(name, environment: environment, value: value, actor: actor)
        onAppend?(change.event)
        return change.info
    }

    /// Stores a new version of an existing secret (`secret.rotated`) and, with `restart`, rolls
    /// every service that reads it with its current version (zero downtime: rolling deployments).
    ///
    /// - Returns: The secret as stored, and the restarts when asked for.
    /// - Throws: as ``setSecret(_:environment:value:actor:)``, and `VaultError` `.notFound`.
    public func rotateSecret(_ name: String, environment: String?, value: String, restart: Bool, actor: String) throws
        -> (info: SecretInfo, restart: SecretRestart?)
    {
        let vault = try requireVault()
        try checkEnvironment(environment)
        let change = try vault.rotate(name, environment: environment, value: value, actor: actor)
        onAppend?(change.event)
        guard restart else { return (change.info, nil) }
        return (change.info, restartUsers(of: name, environment: environment, actor: actor))
    }

    /// Deletes every version of a secret in one scope (`secret.removed`).
    ///
    /// - Throws: `VaultError` `.notFound` when it has no value there.
    public func removeSecret(_ name: String, environment: String?, actor: String) throws -> SecretInfo {
        let change = try requireVault().remove(name, environment: environment, actor: actor)
        onAppend?(change.event)
        return change.info
    }

    /// The vault's secrets (never values); with an environment, what its instances see.
    public func secrets(environment: String?) throws -> [SecretInfo] {
        try requireVault().list(environment: environment)
    }

    /// The services, per environment, whose current release reads `name` from the scope that changed:
    /// with an environment, its services; without one, the services of every environment that has
    /// no value of its own for `name`.
    public func users(of name: String, environment: String?) throws -> [ServiceEnvironment] {
        guard let planner else { return [] }
        var users: [ServiceEnvironment] = []
        for (target, number) in state.current {
            guard let release = state.releases[number], environment == nil || target.environment == environment else {
                continue
            }
            if environment == nil, try vault?.value(of: name, environment: target.environment) != nil { continue }
            if planner.secretsUsed(by: release).contains(name) { users.append(target) }
        }
        return users.sorted { ($0.service, $0.environment) < ($1.service, $1.environment) }
    }

    /// Restarts every user of a secret (``restart(service:environment:actor:)``), each as a rolling
    /// deployment whose new instances read the new value.
    func restartUsers(of name: String, environment: String?, actor: String) -> SecretRestart {
        var outcome = SecretRestart(deployments: [], skipped: [])
        let targets: [ServiceEnvironment]
        do {
            targets = try users(of: name, environment: environment)
        } catch {
            outcome.skipped.append(SkippedRestart(service: "*", environment: environment ?? "*", reason: "\(error)"))
            return outcome
        }
        // A service scaled to 0 runs nothing that read the old value; scaling it up reads the new one.
        for target in targets where (state.currentRelease(for: target)?.spec.instances ?? 0) > 0 {
            do {
                outcome.deployments.append(try restart(service: target.service, environment: target.environment, actor: actor))
            } catch {
                outcome.skipped.append(
                    SkippedRestart(service: target.service, environment: target.environment, reason: "\(error)"))
            }
        }
        return outcome
    }

    /// Refuses an environment the stack does not declare (when a stack is loaded).
    private func checkEnvironment(_ environment: String?) throws {
        guard let environment, let stack = state.stack, stack.environment(named: environment) == nil else { return }
        let known = stack.environments.map(\.name).joined(separator: ", ")
        throw ControlPlaneError.notFound("unknown environment '\(environment)'; the stack has: \(known)")
    }
}
