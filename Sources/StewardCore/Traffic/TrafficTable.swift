/// The routing table the control plane wants the traffic proxy to serve.
///
/// Its JSON is exactly the body of the proxy's `PUT /v1/routes` (docs/proxy.md). It is a type of
/// its own rather than the proxy's `RouteTable` because the proxy is a separate data plane that
/// depends on nothing of the control plane: the two share a wire format, not a module. The
/// integration test (agent, serve and proxy processes) holds the two together.
public struct TrafficTable: Codable, Sendable, Equatable {
    public var routes: [TrafficRoute]

    public init(routes: [TrafficRoute] = []) { self.routes = routes }
}

/// One service in one environment: the stable port and the releases behind it.
public struct TrafficRoute: Codable, Sendable, Equatable {
    public var service: String
    public var environment: String
    /// The service's `port:`, the one users reach.
    public var listenPort: Int
    public var releases: [TrafficRelease]

    public init(service: String, environment: String, listenPort: Int, releases: [TrafficRelease]) {
        self.service = service
        self.environment = environment
        self.listenPort = listenPort
        self.releases = releases
    }
}

/// One release behind a route: its share of new requests and its ready instances.
public struct TrafficRelease: Codable, Sendable, Equatable {
    public var release: Int
    /// "stable" (the release serving before a deployment) or "next" (the one rolling out).
    public var name: String
    /// Relative share of new requests, 0–100.
    public var weight: Int
    /// `127.0.0.1:PORT` of each ready instance.
    public var upstreams: [String]

    public init(release: Int, name: String, weight: Int, upstreams: [String]) {
        self.release = release
        self.name = name
        self.weight = weight
        self.upstreams = upstreams
    }
}
