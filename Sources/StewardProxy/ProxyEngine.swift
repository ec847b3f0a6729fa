/// What every connection of the data plane shares: the routing state, the upstream pool, the stats.
public final class ProxyEngine: Sendable {
    public let traffic: TrafficState
    public let stats: ProxyStats
    let pool: UpstreamPool

    public init() {
        traffic = TrafficState()
        stats = ProxyStats()
        pool = UpstreamPool()
    }

    /// Puts `table` in force and closes idle connections to upstreams it no longer lists (they drain).
    func apply(_ table: RouteTable) {
        traffic.apply(table)
        pool.closeIdle { !self.traffic.isServing($0) }
    }
}
