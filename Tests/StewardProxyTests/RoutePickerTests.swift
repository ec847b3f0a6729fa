import StewardProxy
import Testing

/// The routing decisions, as values: no socket, no clock, no randomness of their own.
@Suite struct RoutePickerTests {
    let route = ProxyRoute(
        service: "api", environment: "production", listenPort: 8080,
        releases: [
            ReleaseTarget(release: 4, name: "stable", weight: 90, upstreams: ["127.0.0.1:9001", "127.0.0.1:9002"]),
            ReleaseTarget(release: 5, name: "canary", weight: 10, upstreams: ["127.0.0.1:9003"]),
        ])

    private func chosen(_ choice: RoutePicker.ReleaseChoice) -> Int? {
        if case .release(let release, _) = choice { return release.release }
        return nil
    }

    /// A draw below the first weight's share goes to the first release, the rest to the second.
    @Test func weightedDrawSplitsByShare() {
        #expect(chosen(RoutePicker.chooseRelease(in: route, header: nil, cookie: nil, draw: 0)) == 4)
        #expect(chosen(RoutePicker.chooseRelease(in: route, header: nil, cookie: nil, draw: 0.899)) == 4)
        #expect(chosen(RoutePicker.chooseRelease(in: route, header: nil, cookie: nil, draw: 0.9)) == 5)
        #expect(chosen(RoutePicker.chooseRelease(in: route, header: nil, cookie: nil, draw: 0.999_999)) == 5)
    }

    /// A release at weight 0 never gets a weighted request; at 100 against 0 it gets them all.
    @Test func weightZeroNeverChosen() {
        var flipped = route
        flipped.releases[0].weight = 0
        flipped.releases[1].weight = 100
        for draw in stride(from: 0.0, to: 1.0, by: 0.01) {
            #expect(chosen(RoutePicker.chooseRelease(in: flipped, header: nil, cookie: nil, draw: draw)) == 5)
        }
    }

    /// The header names a release by name or number, and wins even over weight 0.
    @Test func headerOverridesWeight() {
        var dark = route
        dark.releases[1].weight = 0
        #expect(RoutePicker.chooseRelease(in: dark, header: "canary", cookie: nil, draw: 0) == .release(dark.releases[1], .header))
        #expect(chosen(RoutePicker.chooseRelease(in: dark, header: "5", cookie: nil, draw: 0)) == 5)
        // An unknown name falls back to the weights.
        #expect(RoutePicker.chooseRelease(in: dark, header: "nope", cookie: nil, draw: 0) == .release(dark.releases[0], .weight))
    }

    /// A sticky route keeps the cookie's release while it has weight; a non-sticky route ignores the cookie.
    @Test func stickyCookieKeepsRelease() {
        var sticky = route
        sticky.sticky = true
        #expect(RoutePicker.chooseRelease(in: sticky, header: nil, cookie: "5", draw: 0) == .release(sticky.releases[1], .cookie))
        #expect(chosen(RoutePicker.chooseRelease(in: route, header: nil, cookie: "5", draw: 0)) == 4)
        sticky.releases[1].weight = 0
        #expect(chosen(RoutePicker.chooseRelease(in: sticky, header: nil, cookie: "5", draw: 0)) == 4)
        #expect(RoutePicker.cookie("steward-release", in: "a=b; steward-release=5; c=d") == "5")
        #expect(RoutePicker.cookie("steward-release", in: "a=b") == nil)
    }

    /// Weights summing to 0, or no upstream at all, leave nothing to choose.
    @Test func nothingToChoose() {
        var zero = route
        zero.releases[0].weight = 0
        zero.releases[1].weight = 0
        #expect(RoutePicker.chooseRelease(in: zero, header: nil, cookie: nil, draw: 0.5) == .unavailable("the weights of api/production sum to 0"))
        var empty = route
        empty.releases[0].upstreams = []
        empty.releases[1].upstreams = []
        #expect(RoutePicker.chooseRelease(in: empty, header: "canary", cookie: nil, draw: 0.5)
            == .unavailable("no release of api/production has a ready upstream"))
        // A release without upstreams gives its share to the others.
        var half = route
        half.releases[1].upstreams = []
        #expect(chosen(RoutePicker.chooseRelease(in: half, header: nil, cookie: nil, draw: 0.95)) == 4)
    }

    /// A retried request stays with a release that still takes traffic (or that the header forced),
    /// and follows the traffic when its release left the route or went to weight 0.
    @Test func retryFollowsTheTraffic() {
        let stable = route.releases[0], canary = route.releases[1]
        #expect(RoutePicker.retryRelease(after: canary, reason: .weight, in: route, draw: 0) == canary)
        var rolledBack = route
        rolledBack.releases[1].weight = 0
        rolledBack.releases[0].weight = 100
        #expect(RoutePicker.retryRelease(after: canary, reason: .weight, in: rolledBack, draw: 0.99) == rolledBack.releases[0])
        #expect(RoutePicker.retryRelease(after: canary, reason: .cookie, in: rolledBack, draw: 0.99) == rolledBack.releases[0])
        // Forced by the header: only that release, while it has upstreams.
        #expect(RoutePicker.retryRelease(after: canary, reason: .header, in: rolledBack, draw: 0) == rolledBack.releases[1])
        var gone = route
        gone.releases = [ReleaseTarget(release: 6, name: "stable", weight: 100, upstreams: ["127.0.0.1:9004"])]
        #expect(RoutePicker.retryRelease(after: stable, reason: .weight, in: gone, draw: 0)?.release == 6)
        #expect(RoutePicker.retryRelease(after: stable, reason: .header, in: gone, draw: 0) == nil)
        #expect(RoutePicker.retryRelease(after: stable, reason: .weight, in: nil, draw: 0) == nil)
    }

    /// The upstream with the fewest requests in flight wins; ties take turns.
    @Test func leastOutstandingUpstream() {
        let upstreams = ["a:1", "b:1", "c:1"]
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: ["a:1": 3, "b:1": 1, "c:1": 2], backingOff: []) == "b:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: [:], backingOff: [], rotation: 0) == "a:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: [:], backingOff: [], rotation: 1) == "b:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: [:], backingOff: [], rotation: 5) == "c:1")
    }

    /// An upstream in back-off is skipped, unless all are; one already tried is never chosen again.
    @Test func backOffAndExclusion() {
        let upstreams = ["a:1", "b:1"]
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: ["b:1": 9], backingOff: ["a:1"]) == "b:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: ["b:1": 9], backingOff: ["a:1", "b:1"]) == "a:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: [:], backingOff: [], excluded: ["a:1"]) == "b:1")
        #expect(RoutePicker.chooseUpstream(among: upstreams, outstanding: [:], backingOff: [], excluded: ["a:1", "b:1"]) == nil)
    }

    /// Every problem of a table is named by its path, and a good table has none.
    @Test func tableValidation() {
        #expect(RouteTable(routes: [route]).problems().isEmpty)
        let bad = RouteTable(routes: [
            ProxyRoute(service: "", environment: "e", listenPort: 70000, releases: [
                ReleaseTarget(release: 1, name: "stable", weight: 101, upstreams: ["nohost"]),
                ReleaseTarget(release: 1, name: "2", weight: 0, upstreams: []),
            ]),
            ProxyRoute(service: "b", environment: "e", listenPort: 7072, releases: []),
        ])
        let paths = bad.problems(reservedPorts: [7072]).map(\.path)
        #expect(paths == [
            "routes[0].service", "routes[0].listenPort", "routes[0].releases[0].weight",
            "routes[0].releases[0].upstreams[0]", "routes[0].releases[1].release", "routes[0].releases[1].name",
            "routes[1].listenPort",
        ])
        #expect(Upstream("[::1]:80") == Upstream(host: "::1", port: 80))
    }
}
