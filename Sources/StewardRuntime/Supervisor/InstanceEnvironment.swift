import Foundation

/// The complete environment of an instance process, and of its exec probes.
///
/// Only a short list of harmless variables is inherited from the agent: the agent's own
/// environment may hold secrets (`STEWARD_SECRET_*`) that no instance was given.
enum InstanceEnvironment {
    static let inheritedKeys = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "TMPDIR"]

    /// The spec's variables (with `${port}` substituted), `PORT`, the instance's identity and the agent's marker.
    static func build(for spec: InstanceSpec, port: Int, agentID: String) -> [String: String] {
        let current = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in inheritedKeys {
            if let value = current[key] { environment[key] = value }
        }
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let portText = String(port)
        for (key, value) in spec.env { environment[key] = value.replacingOccurrences(of: "${port}", with: portText) }
        environment["PORT"] = environment["PORT"] ?? portText
        environment["STEWARD_INSTANCE_ID"] = spec.id
        environment["STEWARD_SERVICE"] = spec.service
        environment["STEWARD_ENVIRONMENT"] = spec.environment
        environment["STEWARD_VERSION"] = spec.version
        environment["STEWARD_AGENT_ID"] = agentID
        return environment
    }

    /// The environment exec probes get when no instance is known (a probe run on its own).
    static func minimal() -> [String: String] {
        let current = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for key in inheritedKeys {
            if let value = current[key] { environment[key] = value }
        }
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return environment
    }
}
