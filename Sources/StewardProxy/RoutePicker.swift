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
        let serving = route.releases.filter { !$0.upstreams.isEmpty }
        if let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty,
            let forced = serving.first(where: { $0.name == header || String($0.release) == header })
        {
            return .release(forced, .header)
        }
        if route.sticky == true, let cookie, let number = Int(cookie),
            let kept = serving.first(where: { $0.release == number && $0.weight > 0 })
        {
            return .release(kept, .cookie)
        }
        let weighted = serving.filter { $0.weight > 0 }
        let total = weighted.reduce(0) { $0 + $1.weight }
        guard total > 0 else {
            return .unavailable(
                serving.isEmpty ? "no release of \(route.key) has a ready upstream" : "the weights of \(route.key) sum to 0")
        }
        var point = min(max(draw, 0), 0.999_999_999) * Double(total)
        for release in weighted {
            point -= Double(release.weight)
            if point < 0 { return .release(release, .weight) }
        }
        return .release(weighted[weighted.count - 1], .weight)
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
        let candidates = upstreams.filter { !excluded.contains($0) }
        guard !candidates.isEmpty else { return nil }
        let healthy = candidates.filter { !backingOff.contains($0) }
        let pool = healthy.isEmpty ? candidates : healthy
        let start = ((rotation % pool.count) + pool.count) % pool.count
        let ordered = Array(pool[start...] + pool[..<start])
        return ordered.min { (outstanding[$0] ?? 0) < (outstanding[$1] ?? 0) }
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
