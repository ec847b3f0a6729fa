/// A route of the table in force, with what every request needs from it computed once per table
/// rather than once per request.
///
/// Immutable and shared: a connection takes a reference under the ``TrafficState`` lock, instead of
/// copying the route (its arrays and strings) and building its key each time.
final class ServedRoute: Sendable {
    let route: ProxyRoute
    /// ``ProxyRoute/key``: the route's name in stats.
    let key: String

    init(_ route: ProxyRoute) {
        self.route = route
        self.key = route.key
    }
}
