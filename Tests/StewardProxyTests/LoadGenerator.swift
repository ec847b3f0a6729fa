import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Sends a bounded number of GETs through the proxy from several concurrent workers, and counts
/// what came back: every failure (a status other than 200, or a transport error) and, per release,
/// the answers (by the `X-Steward-Release` header).
final class LoadGenerator: Sendable {
    private struct Tally {
        var completed = 0
        var failures: [String] = []
        var perRelease: [String: Int] = [:]
    }

    private let tally = Mutex(Tally())
    private let issued = Atomic<Int>(0)
    let total: Int

    init(total: Int) { self.total = total }

    var completed: Int { tally.withLock { $0.completed } }
    var failures: [String] { tally.withLock { $0.failures } }
    var perRelease: [String: Int] { tally.withLock { $0.perRelease } }

    /// Runs `workers` loops until `total` requests were answered.
    func run(client: HTTPClient, url: String, workers: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while self.issued.add(1, ordering: .relaxed).newValue <= self.total {
                        await self.send(client: client, url: url)
                    }
                }
            }
        }
    }

    private func send(client: HTTPClient, url: String) async {
        var outcome: (release: String?, failure: String?)
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            outcome = (response.headers.first(name: "X-Steward-Release"), response.status == .ok ? nil : "status \(response.status.code)")
        } catch {
            outcome = (nil, "\(error)")
        }
        tally.withLock { tally in
            tally.completed += 1
            if let failure = outcome.failure { tally.failures.append(failure) }
            if let release = outcome.release { tally.perRelease[release, default: 0] += 1 }
        }
    }
}
