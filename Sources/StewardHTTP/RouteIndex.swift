public import HTTPTypes
public import Hummingbird
import Synchronization

/// The routes a router serves, by path template, so that a known path asked with an unknown
/// method is answered 405 with `Allow` rather than 404.
///
/// Filled once from `Router.routes` after every route was added, before the server starts.
public final class RouteIndex: Sendable {
    private let templates = Mutex<[(components: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    public init() {}

    /// Records the routes of a router (call after the last route was added).
    public func load<Context>(_ router: Router<Context>) {
        var grouped: [String: Set<HTTPRequest.Method>] = [:]
        for route in router.routes { grouped["\(route.path)", default: []].insert(route.method) }
        let entries = grouped.map { (components: Self.segments($0.key), methods: $0.value) }
        templates.withLock { $0 = entries }
    }

    /// The methods served at `path`, or an empty set when no route matches it.
    ///
    /// When several templates match, only the most specific count, as in the router's trie: a
    /// constant segment wins over a parameter at the first place they differ, so
    /// `/backups/prune` is served by `POST /backups/prune`, never by `GET /backups/{id}`.
    public func methods(at path: String) -> Set<HTTPRequest.Method> {
        let parts = Self.segments(path)
        return templates.withLock { entries in
            let matching = entries.filter { Self.matches($0.components, parts) }
            let specificity = { (components: [Substring]) in components.map { Self.isParameter($0) ? 0 : 1 } }
            guard let best = matching.map({ specificity($0.components) }).max(by: { $0.lexicographicallyPrecedes($1) }) else {
                return []
            }
            return matching.filter { specificity($0.components) == best }.reduce(into: []) { $0.formUnion($1.methods) }
        }
    }

    static func isParameter(_ segment: Substring) -> Bool { segment.hasPrefix(":") || segment.hasPrefix("{") }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func matches(_ template: [Substring], _ parts: [Substring]) -> Bool {
        guard template.count == parts.count else { return false }
        return zip(template, parts).allSatisfy { pattern, part in isParameter(pattern) || pattern == part }
    }
}

/// Answers 405 with `Allow` when the path is served but not with this method.
///
/// Sits after the token check, so a caller without a token learns nothing about routes.
public struct MethodNotAllowedMiddleware: RouterMiddleware {
    public typealias Context = StewardRequestContext
    let index: RouteIndex

    public init(index: RouteIndex) { self.index = index }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = index.methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw APIError(.methodNotAllowed, "\(request.method) is not served at \(request.uri.path); allowed: \(list)",
                headers: [.allow: list])
        }
    }
}
