import Synchronization

/// Request counters and a latency histogram, rendered by hand in the Prometheus text format.
///
/// Shared by every request; one `Mutex` guards the whole state, held only for a few additions.
final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds (`+Inf` is implied).
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct Key: Hashable, Comparable {
        var path: String
        var status: Int
        static func < (a: Key, b: Key) -> Bool { (a.path, a.status) < (b.path, b.status) }
    }

    private struct State {
        var requests: [Key: Int] = [:]
        /// Per bucket, the requests that fell in it alone; made cumulative when rendered.
        var bucketCounts = [Int](repeating: 0, count: Metrics.buckets.count + 1)
        var durationSum: Double = 0
        var durationCount = 0
    }

    private let state = Mutex(State())

    /// Counts one answered request; `path` is the route pattern, which keeps the label set small.
    func record(path: String, status: Int, duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
        state.withLock { state in
            state.requests[Key(path: path, status: status), default: 0] += 1
            state.bucketCounts[bucket] += 1
            state.durationSum += seconds
            state.durationCount += 1
        }
    }

    /// The exposition text for `/metrics`.
    func render(version: String) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP demo_requests_total Requests answered, by route and status code.")
        lines.append("# TYPE demo_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            lines.append("demo_requests_total{path=\"\(Self.escape(key.path))\",status=\"\(key.status)\"} \(count)")
        }
        lines.append("# HELP demo_request_duration_seconds Time to answer a request.")
        lines.append("# TYPE demo_request_duration_seconds histogram")
        var cumulative = 0
        for (index, count) in snapshot.bucketCounts.enumerated() {
            cumulative += count
            let bound = index < Self.buckets.count ? "\(Self.buckets[index])" : "+Inf"
            lines.append("demo_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("demo_request_duration_seconds_sum \(snapshot.durationSum)")
        lines.append("demo_request_duration_seconds_count \(snapshot.durationCount)")
        lines.append("# HELP demo_build_info The running version.")
        lines.append("# TYPE demo_build_info gauge")
        lines.append("demo_build_info{version=\"\(Self.escape(version))\"} 1")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Label values escape backslash, double quote and newline.
    private static func escape(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
