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
        lines.append("# TYPE steward_proxy_request_duration_seconds summary")
        for route in routes {
            for release in route.releases {
                let summary = release.latency.sinceStart
                for (quantile, ms) in [("0.5", summary.p50Ms), ("0.95", summary.p95Ms), ("0.99", summary.p99Ms)] {
                    lines.append(
                        "steward_proxy_request_duration_seconds{\(labels(route, release)),quantile=\"\(quantile)\"} \(ms / 1000)")
                }
                lines.append("steward_proxy_request_duration_seconds_count{\(labels(route, release))} \(summary.count)")
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

    private func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
