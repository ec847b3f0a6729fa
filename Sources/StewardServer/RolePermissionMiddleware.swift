import Foundation
public import Hummingbird
import NIOCore
import StewardHTTP

/// Refuses, with 403, a request whose caller lacks the role its route needs (``RoutePermissions``).
///
/// Sits after ``BearerAuthMiddleware`` (which sets the caller's roles) and before every protected
/// route, so handlers never check roles. The route is the one the router matched
/// (`context.endpointPath`), never a prefix of the path; a route missing from the table is
/// refused to everyone. Unknown paths pass on to the 404 / 405 answers.
public struct RolePermissionMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext
    /// The environments of the stack in force.
    let environments: @Sendable () async -> [String]
    /// The environment of a deployment, or nil when there is no such deployment.
    let deploymentEnvironment: @Sendable (Int) async -> String?
    /// The environment of a runbook run, or nil when there is no such run.
    let runbookRunEnvironment: @Sendable (Int) async -> String?
    /// The environment of a backup, or nil when there is no such backup.
    let backupEnvironment: @Sendable (String) async -> String?
    /// The environment of a drill, or nil when there is no such drill.
    let drillEnvironment: @Sendable (String) async -> String?

    public init(
        environments: @escaping @Sendable () async -> [String],
        deploymentEnvironment: @escaping @Sendable (Int) async -> String?,
        runbookRunEnvironment: @escaping @Sendable (Int) async -> String? = { _ in nil },
        backupEnvironment: @escaping @Sendable (String) async -> String? = { _ in nil },
        drillEnvironment: @escaping @Sendable (String) async -> String? = { _ in nil }
    ) {
        self.environments = environments
        self.deploymentEnvironment = deploymentEnvironment
        self.runbookRunEnvironment = runbookRunEnvironment
        self.backupEnvironment = backupEnvironment
        self.drillEnvironment = drillEnvironment
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let template = context.endpointPath, template.hasPrefix("/") else {
            return try await next(request, context)  // not found: the 404 / 405 answers follow
        }
        let route = "\(request.method) \(template)"
        guard let permission = RoutePermissions.table[route] else {
            throw APIError(.forbidden, "\(route) is not in the permission table, so it is refused to everyone")
        }
        var request = request
        let environment = try await self.environment(of: &request, context: context, source: permission.environment)
        let caller = context.caller
        if let environment {
            guard let held = caller.role(in: environment), held >= permission.role else {
                throw APIError(
                    .forbidden,
                    "\(route) needs the role '\(permission.role.rawValue)' in environment '\(environment)'; "
                        + "user '\(caller.name)' has \(Self.describe(caller.role(in: environment))) there")
            }
        } else {
            let all = await environments()
            guard let held = caller.role(inEvery: all), held >= permission.role else {
                throw APIError(
                    .forbidden,
                    "\(route) needs the role '\(permission.role.rawValue)' in every environment; "
                        + "user '\(caller.name)' has \(Self.describe(caller.role(inEvery: all))) in every environment")
            }
        }
        return try await next(request, context)
    }

    private static func describe(_ role: Role?) -> String {
        role.map { "'\($0.rawValue)'" } ?? "no role"
    }

    /// The environment a request acts on, or nil when it names none (then every environment counts).
    private func environment(
        of request: inout Request, context: Context, source: RoutePermissions.Permission.Source
    ) async throws -> String? {
        switch source {
        case .none:
            return nil
        case .query:
            return request.uri.queryParameters.get("environment")
        case .deployment(let parameter):
            guard let id = context.parameters.get(parameter, as: Int.self) else { return nil }
            return await deploymentEnvironment(id)
        case .runbookRun(let parameter):
            guard let id = context.parameters.get(parameter, as: Int.self) else { return nil }
            return await runbookRunEnvironment(id)
        case .backup(let parameter):
            guard let id = context.parameters.get(parameter) else { return nil }
            return await backupEnvironment(id)
        case .drill(let parameter):
            guard let id = context.parameters.get(parameter) else { return nil }
            return await drillEnvironment(id)
        case .path(let parameter):
            return context.parameters.get(parameter)
        case .body:
            // Collected into the request so the handler reads the same bytes.
            let buffer = try await request.collectBody(upTo: 4 * 1024 * 1024)
            struct Named: Decodable { var environment: String? }
            return (try? JSONDecoder().decode(Named.self, from: Data(buffer.readableBytesView)))?.environment
        }
    }
}
