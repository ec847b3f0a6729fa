import Foundation

/// Which release and which upstream a request goes to: every routing decision, pure.
///
/// No clock, no randomness of its own and no I/O: the caller passes the random draw, the
/// outstanding request counts and the upstreams in back-off, so each rule is tested as a value.
public enum RoutePicker {
    /// The request header that forces a release by name or number.
    public static let overrideHeader = "X-Steward-Release"
    /// The cookie that keeps a client on a release when the route is sticky.
    public static let stickyCookie = "steward-release"

    /// Why a release was chosen.
    public enum Reason: String, Sendable, Equatable {
        case header, cookie, weight
    }

    /// The outcome for one request.
    public enum ReleaseChoice: Sendable, Equatable {
        case release(ReleaseTarget, Reason)
        /// Nothing can serve: the weights sum to 0, or no release has an upstream.
        case unavailable(String)
    }

    /// Chooses the release for a request.
    ///
    /// In order: the `X-Steward-Release` header (a release name or number, with upstreams, whatever its
    /// weight: that is how a canary at 0 % is tried), then the sticky cookie when the route is sticky (a
    /// release that still has weight and upstreams), then a weighted draw among releases with upstreams.
    ///
    /// - Parameters:
    ///   - header: the value of `X-Steward-Release`, if sent.
    ///   - cookie: the value of the `steward-release` cookie, if sent.
    ///   - draw: a uniformly random number in `0..<1`.
    public static func chooseRelease(
        in route: ProxyRoute, header: String?, cookie: String?, draw: Double
    ) -> ReleaseChoice {
        // Runs per request: the releases are filtered in place, without building arrays.
        let serves = { (release: ReleaseTarget) in !release.upstreams.isEmpty }
        let weighted = { (release: ReleaseTarget) in serves(release) && release.weight > 0 }
        if let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty,
            let forced = route.releases.first(where: {
                serves($0) && ($0.name == header || String($0.release) == header)
            })
        {
            return .release(forced, .header)
        }
        if route.sticky == true, let cookie, let number = Int(cookie),
            let kept = route.releases.first(where: { weighted($0) && $0.release == number })
        {
            return .release(kept, .cookie)
        }
        let total = route.releases.reduce(0) { weighted($1) ? $0 + $1.weight : $0 }
        guard total > 0 else {
            return .unavailable(
                route.releases.contains(where: serves)
                    ? "the weights of \(route.key) sum to 0" : "no release of \(route.key) has a ready upstream")
        }
        var point = min(max(draw, 0), 0.999_999_999) * Double(total)
        var last: ReleaseTarget?
        for release in route.releases where weighted(release) {
            point -= Double(release.weight)
            if point < 0 { return .release(release, .weight) }
            last = release
        }
        return .release(last!, .weight)  // total > 0: some release is weighted
    }

    /// Where a request goes again after its upstream failed before answering.
    ///
    /// A request stays with its release while that release still takes traffic, or when the
    /// `X-Steward-Release` header forced it there (a tester asked for that release). A release
    /// that left the route, or whose weight went to 0, was switched away from or rolled back
    /// while the request was on its way: its instances are stopping, so the request goes where
    /// new requests go now, as if it had just arrived.
    ///
    /// - Parameters:
    ///   - release: the release the request was sent to.
    ///   - reason: why that release was chosen.
    ///   - route: the route as it is now (nil when it left the table).
    ///   - draw: a uniformly random number in `0..<1`.
    public static func retryRelease(
        after release: ReleaseTarget, reason: Reason, in route: ProxyRoute?, draw: Double
    ) -> ReleaseTarget? {
        guard let route else { return nil }
        let current = route.releases.first { $0.release == release.release && !$0.upstreams.isEmpty }
        if reason == .header { return current }
        if let current, current.weight > 0 { return current }
        guard case .release(let chosen, _) = chooseRelease(in: route, header: nil, cookie: nil, draw: draw) else { return nil }
        return chosen
    }

    /// Chooses the upstream with the fewest outstanding requests among those not in back-off.
    ///
    /// Ties go to the first in `rotation` order, so equal upstreams take turns. When every upstream is
    /// in back-off, the back-off is ignored: a request tried is better than a request refused.
    ///
    /// - Parameters:
    ///   - outstanding: requests in flight per upstream (missing means 0).
    ///   - backingOff: upstreams taken out of rotation after a connection error.
    ///   - excluded: upstreams already tried for this request.
    ///   - rotation: a counter that changes per request, to spread ties.
    public static func chooseUpstream(
        among upstreams: [String], outstanding: [String: Int], backingOff: Set<String>, excluded: Set<String> = [],
        rotation: Int = 0
    ) -> String? {
        // Runs per request: the pool (healthy candidates, else all candidates) is walked in place,
        // without building arrays.
        let isCandidate = { (upstream: String) in !excluded.contains(upstream) }
        let healthyOnly = upstreams.contains { isCandidate($0) && !backingOff.contains($0) }
        let inPool = { (upstream: String) in isCandidate(upstream) && (!healthyOnly || !backingOff.contains(upstream)) }
        let poolSize = upstreams.reduce(0) { inPool($1) ? $0 + 1 : $0 }
        guard poolSize > 0 else { return nil }
        let start = ((rotation % poolSize) + poolSize) % poolSize
        // The pool in rotation order is its members from `start` on, then those before: the first
        // with the fewest outstanding requests wins.
        var best: String?
        var fewest = Int.max
        for fromStart in [true, false] {
            var index = 0
            for upstream in upstreams where inPool(upstream) {
                defer { index += 1 }
                guard (index >= start) == fromStart else { continue }
                let load = outstanding[upstream] ?? 0
                if load < fewest {
                    best = upstream
                    fewest = load
                }
            }
        }
        return best
    }

    /// The value of cookie `name` in a `Cookie` header, if present.
    public static func cookie(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
