import Foundation
import StewardCore

/// A runbook step ready to run: every reference resolved, shown with its secrets masked.
struct ResolvedRunbookStep: Sendable {
    /// What to do, with real values.
    enum Work: Sendable {
        case command([String], environment: [String: String], workingDirectory: String)
        case http(method: String, url: String, headers: [String: String], body: String?, expectStatus: [Int])
        case sql(url: String, statements: [String])
        case redis(url: String, command: [String])
        case restart(service: String)
        case scale(service: String, instances: Int)
        case gate
    }

    var work: Work
    /// The step as a person reads it: kind and resolved text, secrets and URL passwords masked.
    var display: String
    /// The secrets it uses, to mask in what it produces.
    var mask: SecretMask
    var timeout: Duration
}

/// Resolves runbook steps for an environment: `${environment}`, `${services.NAME.port}`,
/// `${dependencies.NAME.url}` and `${secret:NAME}` (from the vault, per environment).
///
/// `${port}`, `${version}`, `${service}` and `${instance}` belong to an instance, and a runbook
/// step runs outside any instance, so they are refused.
struct RunbookStepResolver {
    var planner: InstancePlanner
    var environment: String

    /// A reference a step cannot resolve.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func resolve(_ step: RunbookSpec.Step) throws -> ResolvedRunbookStep {
        var mask = SecretMask()
        func text(_ value: String) throws -> String {
            try Interpolation.resolve(value) { reference in
                let resolved = try lookup(reference)
                if case .secret = reference { mask.hide(resolved) }
                if case .dependencyURL = reference { mask.hidePassword(ofURL: resolved) }
                return resolved
            }
        }
        func dependencyURL(_ name: String) throws -> String {
            let url = try lookup(.dependencyURL(dependency: name))
            mask.hidePassword(ofURL: url)
            return url
        }
        let work: ResolvedRunbookStep.Work
        switch step.action {
        case .command(let argv, let env):
            var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            environment["STEWARD_ENVIRONMENT"] = self.environment
            for (key, value) in env { environment[key] = try text(value) }
            work = .command(try argv.map(text), environment: environment, workingDirectory: planner.baseDirectory)
        case .http(let request):
            work = .http(
                method: request.method, url: try text(request.url), headers: try request.headers.mapValues(text),
                body: try request.body.map(text), expectStatus: request.expectStatus)
        case .sql(let dependency, let statements):
            work = .sql(url: try dependencyURL(dependency), statements: try statements.map(text))
        case .redis(let dependency, let command):
            work = .redis(url: try dependencyURL(dependency), command: try command.map(text))
        case .restart(let service):
            work = .restart(service: service)
        case .scale(let service, let instances):
            work = .scale(service: service, instances: instances)
        case .gate:
            work = .gate
        }
        return ResolvedRunbookStep(
            work: work, display: mask.apply(Self.describe(work)), mask: mask,
            timeout: .milliseconds(step.timeout.milliseconds))
    }

    private func lookup(_ reference: Interpolation.Reference) throws -> String {
        switch reference {
        case .environment:
            return environment
        case .secret(let name):
            return try planner.secret(name, environment: environment)
        case .dependencyURL(let name):
            guard let dependency = planner.stack.dependency(named: name) else {
                throw Failure(description: "dependency '\(name)' is not declared in the stack")
            }
            return try planner.resolveDependencyURL(dependency, environment: environment)
        case .servicePort(let name):
            guard let port = planner.stack.service(named: name)?.port else {
                throw Failure(description: "service '\(name)' has no port")
            }
            return String(port)
        case .port, .version, .service, .instance:
            throw Failure(description: "\(reference) belongs to an instance; a runbook step runs outside any instance")
        }
    }

    /// One line per step: what it will do.
    static func describe(_ work: ResolvedRunbookStep.Work) -> String {
        switch work {
        case .command(let argv, let environment, _):
            let names = environment.keys.filter { $0 != "PATH" && $0 != "STEWARD_ENVIRONMENT" }.sorted()
            let env = names.isEmpty ? "" : " (env: \(names.joined(separator: ", ")))"
            return "run: " + argv.map(shellQuoted).joined(separator: " ") + env
        case .http(let method, let url, _, let body, let expectStatus):
            let expect = expectStatus.isEmpty ? "2xx" : expectStatus.map(String.init).joined(separator: "|")
            return "http: \(method) \(url)" + (body.map { " body: \($0)" } ?? "") + " expect \(expect)"
        case .sql(let url, let statements):
            return "sql on \(url): " + statements.joined(separator: "; ")
        case .redis(let url, let command):
            return "redis on \(url): " + command.map(shellQuoted).joined(separator: " ")
        case .restart(let service):
            return "restart \(service)"
        case .scale(let service, let instances):
            return "scale \(service) to \(instances)"
        case .gate:
            return "confirm"
        }
    }

    private static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "-_./:=@,+%".unicodeScalars.contains($0)
        }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
