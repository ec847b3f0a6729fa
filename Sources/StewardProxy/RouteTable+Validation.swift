extension RouteTable {
    /// Every problem of the table, each naming where it is (`routes[0].releases[1].weight`); empty when valid.
    ///
    /// - Parameter reservedPorts: ports a route may not take (the admin API's).
    public func problems(reservedPorts: Set<Int> = []) -> [(path: String, message: String)] {
        var problems: [(String, String)] = []
        var ports: Set<Int> = []
        var keys: Set<String> = []
        for (index, route) in routes.enumerated() {
            let at = "routes[\(index)]"
            if route.service.isEmpty { problems.append(("\(at).service", "must not be empty")) }
            if route.environment.isEmpty { problems.append(("\(at).environment", "must not be empty")) }
            if !keys.insert(route.key).inserted {
                problems.append(("\(at)", "a second route for \(route.key); expected one per service and environment"))
            }
            if !(1...65535).contains(route.listenPort) {
                problems.append(("\(at).listenPort", "\(route.listenPort) is not a port; expected 1–65535"))
            } else if reservedPorts.contains(route.listenPort) {
                problems.append(("\(at).listenPort", "\(route.listenPort) is the admin port"))
            } else if !ports.insert(route.listenPort).inserted {
                problems.append(("\(at).listenPort", "\(route.listenPort) is already taken by another route"))
            }
            var numbers: Set<Int> = []
            var names: Set<String> = []
            for (releaseIndex, release) in route.releases.enumerated() {
                let at = "\(at).releases[\(releaseIndex)]"
                if release.release < 0 { problems.append(("\(at).release", "must be 0 or more")) }
                if !numbers.insert(release.release).inserted {
                    problems.append(("\(at).release", "release \(release.release) is listed twice"))
                }
                if release.name.isEmpty || Int(release.name) != nil {
                    problems.append(("\(at).name", "'\(release.name)' must be a non-empty name that is not a number"))
                } else if !names.insert(release.name).inserted {
                    problems.append(("\(at).name", "'\(release.name)' is listed twice"))
                }
                if !(0...100).contains(release.weight) {
                    problems.append(("\(at).weight", "\(release.weight) is out of range; expected 0–100"))
                }
                for (upstreamIndex, upstream) in release.upstreams.enumerated() where Upstream(upstream) == nil {
                    problems.append(("\(at).upstreams[\(upstreamIndex)]", "'\(upstream)' is not host:port"))
                }
            }
        }
        return problems
    }
}
