import Foundation
import StewardCore
import StewardRuntime

/// Turns a release into the exact specs its instances run with.
///
/// Pure apart from the secret lookup: resolves `${…}` references (version, service,
/// environment, instance, dependency URLs, secrets), makes the working directory absolute
/// against the stack file's folder, and leaves `${port}` for the agent, which picks the port.
public struct InstancePlanner: Sendable {
    /// A reference that cannot be resolved (a secret that is not set, an unknown dependency).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var stack: StackSpec
    /// The folder of the stack file; relative paths are resolved against it.
    public var baseDirectory: String
    public var secrets: SecretSource

    public init(stack: StackSpec, baseDirectory: String, secrets: SecretSource) {
        self.stack = stack
        self.baseDirectory = baseDirectory
        self.secrets = secrets
    }

    /// The spec of the instance `id` of `release`.
    public func instanceSpec(_ id: String, of release: Release) throws -> InstanceSpec {
        let service = release.spec
        let lookup: (Interpolation.Reference) throws -> String = { reference in
            switch reference {
            case .port: return "${port}"
            case .version: return release.version
            case .service: return release.service
            case .environment: return release.environment
            case .instance: return id
            case .secret(let name):
                return try secret(name, environment: release.environment)
            case .dependencyURL(let name):
                // The release's own snapshot first: a restored old release runs with what it ran with.
                if let url = release.dependencyURLs[name] {
                    return try resolveDependencyURL(
                        DependencySpec(name: name, kind: .http, url: url), environment: release.environment)
                }
                guard let dependency = stack.dependency(named: name) else {
                    throw Failure(description: "dependency '\(name)' is not declared in the stack")
                }
                return try resolveDependencyURL(dependency, environment: release.environment)
            case .servicePort(let name):
                guard let port = stack.service(named: name)?.port else {
                    throw Failure(description: "service '\(name)' has no port")
                }
                return String(port)
            }
        }
        func resolve(_ text: String) throws -> String { try Interpolation.resolve(text, using: lookup) }

        var env: [String: String] = [:]
        for (key, value) in service.env { env[key] = try resolve(value) }
        for (key, value) in release.overrides { env[key] = value }
        env["APP_VERSION"] = env["APP_VERSION"] ?? release.version
        let directory = service.workingDirectory.map(absolute) ?? baseDirectory
        return InstanceSpec(
            id: id, service: release.service, environment: release.environment, release: release.number,
            version: release.version, command: try resolve(service.command), args: try service.args.map(resolve),
            env: env, workingDirectory: directory, port: nil,
            liveness: try service.liveness.map { try resolvedProbe($0, with: resolve) },
            readiness: try service.readiness.map { try resolvedProbe($0, with: resolve) },
            stopGracePeriod: service.stopGracePeriod, restart: service.restart, logs: service.logs)
    }

    /// A probe with its references (`${dependencies.db.url}`, `${secret:…}`, `${version}`…)
    /// filled in; `${port}` stays for the agent.
    func resolvedProbe(_ probe: ProbeSpec, with resolve: (String) throws -> String) throws -> ProbeSpec {
        var probe = probe
        switch probe.check {
        case .http(var check):
            check.path = try resolve(check.path)
            check.headers = try check.headers.mapValues(resolve)
            check.expectJSON = try check.expectJSON.mapValues(resolve)
            probe.check = .http(check)
        case .tcp:
            break
        case .exec(let command):
            probe.check = .exec(command: try command.map(resolve))
        case .postgres(let url):
            probe.check = .postgres(url: try resolve(url))
        case .redis(let url):
            probe.check = .redis(url: try resolve(url))
        }
        return probe
    }

    /// A dependency's URL with its secrets filled in.
    ///
    /// - Parameter environment: Whose secrets: an instance's environment, or nil outside any
    ///   (the control plane's own dependency probes), which reads only every-environment values.
    public func resolveDependencyURL(_ dependency: DependencySpec, environment: String? = nil) throws -> String {
        try Interpolation.resolve(dependency.url) { reference in
            guard case .secret(let name) = reference else {
                throw Failure(description: "dependency '\(dependency.name)' may only reference secrets")
            }
            return try secret(name, environment: environment)
        }
    }

    /// The value of `${secret:NAME}` in an environment.
    ///
    /// - Throws: ``Failure`` naming the secret when it is set nowhere or cannot be read.
    func secret(_ name: String, environment: String?) throws -> String {
        let value: String?
        do {
            value = try secrets.value(of: name, environment: environment)
        } catch {
            throw Failure(description: "secret \(name) cannot be read: \(error)")
        }
        guard let value else {
            let scope = environment.map { " --env \($0)" } ?? ""
            throw Failure(
                description: "secret \(name) is not set (`steward secret set \(name)\(scope)`, "
                    + "or set STEWARD_SECRET_\(name) for the control plane)")
        }
        return value
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
    }
}

extension InstancePlanner {
    /// The names of the secrets an instance of `release` reads, directly or through a dependency URL.
    ///
    /// Found by planning the release's first instance with a source that records every name it is
    /// asked for, so it is exactly what ``instanceSpec(_:of:)`` resolves.
    public func secretsUsed(by release: Release) -> Set<String> {
        let asked = AskedNames()
        var recording = self
        recording.secrets = .scoped { name, _ in
            asked.insert(name)
            return "-"
        }
        _ = try? recording.instanceSpec(release.instanceID(0), of: release)
        return asked.names
    }
}

/// The names a recording ``SecretSource`` was asked for.
private final class AskedNames: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Set<String> = []

    func insert(_ name: String) { lock.withLock { _ = stored.insert(name) } }
    var names: Set<String> { lock.withLock { stored } }
}
