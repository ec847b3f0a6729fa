import Foundation

extension StatsSnapshot {
    /// The snapshot in the Prometheus text format (version 0.0.4), one series per release.
    public var prometheusText: String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ value: (Route, Release) -> String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for route in routes {
                for release in route.releases {
                    lines.append("\(name){\(labels(route, release))} \(value(route, release))")
                }
            }
        }
        family("steward_proxy_requests_total", "counter", "Requests sent to the release, answered or failed.") {
            "\($1.requests)"
        }
        family("steward_proxy_responses_5xx_total", "counter", "Requests of the release answered with a 5xx status.") {
            "\($1.responses5xx)"
        }
        family(
            "steward_proxy_upstream_connection_errors_total", "counter",
            "Connections to the release's upstreams that failed or broke before the answer."
        ) { "\($1.connectionErrors)" }
        lines.append("# HELP steward_proxy_request_duration_seconds Latency of the release's requests since start.")
        lines.append("# TYPE steward_proxy_request_duration_seconds histogram")
        for route in routes {
            for release in route.releases {
                let histogram = release.latency.histogram
                let series = "steward_proxy_request_duration_seconds"
                for bucket in histogram.buckets {
                    lines.append("\(series)_bucket{\(labels(route, release)),le=\"\(number(bucket.le))\"} \(bucket.count)")
                }
                lines.append("\(series)_bucket{\(labels(route, release)),le=\"+Inf\"} \(histogram.count)")
                lines.append("\(series)_sum{\(labels(route, release))} \(histogram.sumSeconds)")
                lines.append("\(series)_count{\(labels(route, release))} \(histogram.count)")
            }
        }
        lines.append("# HELP steward_proxy_unavailable_total Requests answered 503 because no release could serve.")
        lines.append("# TYPE steward_proxy_unavailable_total counter")
        for route in routes {
            lines.append(
                "steward_proxy_unavailable_total{service=\"\(escape(route.service))\",environment=\"\(escape(route.environment))\"} \(route.unavailable)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func labels(_ route: Route, _ release: Release) -> String {
        "service=\"\(escape(route.service))\",environment=\"\(escape(route.environment))\",release=\"\(release.release)\",name=\"\(escape(release.name))\""
    }

    /// `1` rather than `1.0`, `0.005` as is.
    private func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
