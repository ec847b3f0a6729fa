/// The proxy's whole routing table: one route per (service, environment).
///
/// The control plane sends it whole (`PUT /v1/routes`); the proxy writes it to disk before it
/// applies it, so a restarted proxy routes exactly as before.
public struct RouteTable: Codable, Sendable, Equatable {
    public var routes: [ProxyRoute]

    public init(routes: [ProxyRoute] = []) { self.routes = routes }

    /// The route served on `port`, if any.
    public func route(listeningOn port: Int) -> ProxyRoute? { routes.first { $0.listenPort == port } }
}

/// The traffic of one service in one environment: the port users reach and the releases behind it.
public struct ProxyRoute: Codable, Sendable, Equatable {
    public var service: String
    public var environment: String
    /// The stable port users reach (the service's `port:` in steward.yaml).
    public var listenPort: Int
    /// When true, a request is kept on the release named by its `steward-release=<n>` cookie.
    public var sticky: Bool?
    public var releases: [ReleaseTarget]

    public init(service: String, environment: String, listenPort: Int, sticky: Bool? = nil, releases: [ReleaseTarget]) {
        self.service = service
        self.environment = environment
        self.listenPort = listenPort
        self.sticky = sticky
        self.releases = releases
    }

    /// `service/environment`, the route's name in stats and logs.
    public var key: String { "\(service)/\(environment)" }
}

/// One release behind a route: its share of new requests and the ready instances that serve it.
public struct ReleaseTarget: Codable, Sendable, Equatable {
    public var release: Int
    /// What the release is called in this rollout, e.g. "stable" or "canary".
    public var name: String
    /// Share of new requests, 0–100, relative to the route's other releases.
    public var weight: Int
    /// `host:port` of the release's ready instances.
    public var upstreams: [String]

    public init(release: Int, name: String, weight: Int, upstreams: [String]) {
        self.release = release
        self.name = name
        self.weight = weight
        self.upstreams = upstreams
    }
}
