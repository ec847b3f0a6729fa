import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardServer
import Testing

/// `GET /api/v1/deployments/{id}/metrics` through the router (the rules end to end: RolloutUITests).
struct RolloutRoutesTests {
    /// A paused canary's metrics: its step among its steps, its weight, and the canary release's
    /// numbers from the metrics source (the first release of `jobs`: no stable release to compare).
    @Test func aPausedCanarysMetrics() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("vic", roles: ["viewer@production"])
        try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments/\(fixture.pausedCanary)/metrics?window=5m", method: .get,
                headers: [.authorization: "Bearer \(token)"]
            ) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(body?["strategy"] as? String == "canary")
                #expect(body?["phase"] as? String == "rolling")
                #expect(body?["step"] as? Int == 1)
                #expect(body?["steps"] as? [String] == ["weight 10%", "pause until promoted", "weight 100%"])
                #expect(body?["weight"] as? Int == 10)
                #expect(body?["windowSeconds"] as? Int == 300)
                let releases = body?["releases"] as? [[String: Any]] ?? []
                #expect(releases.count == 1)
                #expect(releases.first?["role"] as? String == "canary")
                #expect(releases.first?["weight"] as? Int == 10)
                #expect(releases.first?["requests"] as? Double == 100)
                #expect(releases.first?["errorRate"] as? Double == 0.02)
                #expect(releases.first?["p95Ms"] as? Double == 40)
                #expect((body?["rules"] as? [Any])?.isEmpty == true)
            }
        }
    }

    /// A window outside 1s–15m, or not whole seconds or minutes, is a 400 naming the parameter; an
    /// unknown deployment is a 404.
    @Test func badWindowsAndUnknownDeployments() async throws {
        let fixture = try await AccessFixture()
        let token = try fixture.caller("vic", roles: ["viewer"])
        try await fixture.application.test(.router) { client in
            for window in ["0s", "16m", "901s", "1h", "30", "s", "1.5s", "-5s"] {
                try await client.execute(
                    uri: "/api/v1/deployments/\(fixture.pausedCanary)/metrics?window=\(window)", method: .get,
                    headers: [.authorization: "Bearer \(token)"]
                ) { response in
                    #expect(response.status == .badRequest, "window=\(window)")
                    #expect(String(buffer: response.body).contains("query parameter 'window'"), "window=\(window)")
                }
            }
            try await client.execute(
                uri: "/api/v1/deployments/9999/metrics", method: .get, headers: [.authorization: "Bearer \(token)"]
            ) { #expect($0.status == .notFound) }
        }
    }

    /// Without a proxy or Prometheus nothing measures traffic: 409, saying so.
    @Test func withoutAMetricsSourceTheAnswerIs409() async throws {
        let fixture = try await APIRoutesTests.Fixture()
        let deployed = try await fixture.application.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/deployments", method: .post, headers: fixture.auth,
                body: ByteBuffer(string: #"{"service":"api","environment":"production","version":"1.0.0"}"#)
            ) { response in
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            }
        }
        let id = try #require(deployed?["id"] as? Int)
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/v1/deployments/\(id)/metrics", method: .get, headers: fixture.auth) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("nothing measures traffic"))
            }
        }
    }
}
