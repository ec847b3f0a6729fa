import NIOCore
import Synchronization

/// The live routing state shared by every connection: the table in force, requests in flight per
/// upstream, and upstreams in back-off after a connection error.
///
/// Decisions are delegated to ``RoutePicker``; this type only holds the inputs it needs.
public final class TrafficState: Sendable {
    private struct State {
        var table = RouteTable()
        /// The routes of `table` by listening port.
        var served: [Int: ServedRoute] = [:]
        var outstanding: [String: Int] = [:]
        var backOffUntil: [String: NIODeadline] = [:]
        var rotation = 0
    }

    /// How long an upstream that refused a connection is left out of rotation.
    let backOff: TimeAmount
    private let state = Mutex(State())
    /// Counts the tables put in force: a request that finishes under the table it started with
    /// knows its upstream is still serving without looking (``isServing(_:since:)``).
    private let tables = Atomic<Int>(0)

    /// The current count of tables put in force, for ``isServing(_:since:)``.
    var tableGeneration: Int { tables.load(ordering: .acquiring) }

    init(backOff: TimeAmount = .seconds(2)) { self.backOff = backOff }

    /// The table in force.
    public var table: RouteTable { state.withLock { $0.table } }

    /// Puts `table` in force: new requests follow it at once; requests in flight finish where they are.
    func apply(_ table: RouteTable) {
        var served: [Int: ServedRoute] = [:]
        for route in table.routes { served[route.listenPort] = ServedRoute(route) }
        state.withLock {
            $0.table = table
            $0.served = served
        }
        tables.add(1, ordering: .releasing)
    }

    /// The route served on `port` now.
    func route(listeningOn port: Int) -> ServedRoute? { state.withLock { $0.served[port] } }

    /// Whether `upstream` is still an upstream of some release (else its connections are drained).
    func isServing(_ upstream: String) -> Bool {
        state.withLock { $0.table.routes.contains { $0.releases.contains { $0.upstreams.contains(upstream) } } }
    }

    /// Whether `upstream`, chosen while ``tableGeneration`` was `generation`, is still serving:
    /// without a look at the table when no other table came since.
    func isServing(_ upstream: String, since generation: Int) -> Bool {
        tableGeneration == generation || isServing(upstream)
    }

    /// Picks an upstream of `release` and counts a request in flight on it; pair with ``finish(_:)``.
    func begin(_ release: ReleaseTarget, excluding excluded: Set<String> = []) -> String? {
        state.withLock { state in
            // Usually nothing is in back-off: then no clock read, no new dictionary, no set.
            if !state.backOffUntil.isEmpty {
                let now = NIODeadline.now()
                state.backOffUntil = state.backOffUntil.filter { $0.value > now }
            }
            let backingOff = state.backOffUntil.isEmpty ? Set<String>() : Set(state.backOffUntil.keys)
            state.rotation &+= 1
            guard
                let upstream = RoutePicker.chooseUpstream(
                    among: release.upstreams, outstanding: state.outstanding,
                    backingOff: backingOff, excluded: excluded, rotation: state.rotation)
            else { return nil }
            state.outstanding[upstream, default: 0] += 1
            return upstream
        }
    }

    /// Ends a request counted by ``begin(_:excluding:)``.
    func finish(_ upstream: String) {
        state.withLock { state in
            let left = (state.outstanding[upstream] ?? 1) - 1
            state.outstanding[upstream] = left > 0 ? left : nil
        }
    }

    /// Takes `upstream` out of rotation for the back-off period (passive health).
    func markFailed(_ upstream: String) {
        state.withLock { $0.backOffUntil[upstream] = .now() + backOff }
    }
}
