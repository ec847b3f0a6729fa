import Foundation
import StewardTesting
import Testing

/// What people see of a rollout: the metrics route, `steward deploy --wait`, `steward promote`,
/// the instant `steward rollback` of a warm release, and the dashboard's live charts in a real
/// headless Chromium. Real processes throughout: `steward proxy`, `agent`, `serve`, demo-app, and
/// a client looping on the stable port.
@Suite struct RolloutUITests {
    /// A canary that waits at a manual pause with 30 %, and stays warm for five minutes once promoted.
    static let pausedCanaryKeys = """
        strategy: canary
        readinessTimeout: 10s
        keepPrevious: 5m
        canary:
          steps:
            - weight: 30
            - pause: manual
        rollback: ["error_rate > 50% for 3s min 20"]
        """.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")

    private var steward: String { StewardCluster.stewardBinary }

    /// A cluster serving 1.0.0 on its stable port, deployed rolling.
    static func servingFirstRelease(deploy keys: String) async throws -> StewardCluster {
        let cluster = try await StewardCluster.start(withProxy: true, deploy: keys)
        let first = try await cluster.deploy(version: "1.0.0", strategy: "rolling")
        let finished = try await cluster.waitUntilFinished(first.id, timeout: .seconds(60))
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "1.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }
        return cluster
    }

    /// During a canary under load: the metrics route gives the step, the weights and both releases'
    /// numbers; the dashboard, rendered by headless Chromium, draws the canary's charts with
    /// non-empty series; `steward promote` moves it to 100 % (warm), and `steward rollback` is then an
    /// instant weight flip back to 1.0.0, said as such.
    @Test func aCanaryIsShownLivePromotedAndFlippedBack() async throws {
        let chromium = try #require(
            SchemathesisTests.lookUp("chromium"), "chromium is not installed (.ci/run installs it: apt-get install chromium)")
        let cluster = try await Self.servingFirstRelease(deploy: Self.pausedCanaryKeys)
        defer { cluster.shutdown() }
        let load = StatusCounter(url: cluster.stableURL + "/api/version", http: cluster.http)
        let loop = Task { await load.run() }
        defer { loop.cancel() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]

        let canary = try await cluster.deploy(version: "2.0.0")
        var metrics: MetricsView?
        try await eventually(timeout: .seconds(40), pollEvery: .milliseconds(200), "the canary at its pause, with traffic") {
            let answer = try await cluster.api("GET", "/deployments/\(canary.id)/metrics?window=10s")
            guard answer.status == 200 else { throw UnexpectedAnswer(description: "\(answer.status) \(answer.text)") }
            metrics = try answer.decode(MetricsView.self)
            return metrics?.step == 1 && (metrics?.releases.last?.requests ?? 0) >= 5
        }
        let view = try #require(metrics)
        #expect(view.strategy == "canary" && view.phase == "rolling" && view.weight == 30)
        #expect(view.steps == ["weight 30%", "pause until promoted", "weight 100%"])
        #expect(view.releases.map(\.role) == ["stable", "canary"])
        #expect(view.releases.map(\.weight) == [70, 30])
        #expect(view.releases.allSatisfy { $0.measured && $0.errorRate == 0 && $0.p95Ms != nil })
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(200), "a verdict of the rollback rule") {
            let answer = try await cluster.api("GET", "/deployments/\(canary.id)/metrics")
            return try answer.decode(MetricsView.self).rules.contains {
                $0.rule == "error_rate > 50% for 3s min 20" && $0.kind == "rollback" && $0.verdict == "passing"
            }
        }
        let badWindow = try await cluster.api("GET", "/deployments/\(canary.id)/metrics?window=1h")
        #expect(badWindow.status == 400 && badWindow.text.contains("window"), "\(badWindow.text)")
        #expect(try await cluster.api("GET", "/deployments/999/metrics").status == 404)

        // The dashboard as a browser runs it: the page polls for a few (virtual) seconds, then its DOM is dumped.
        let page = cluster.serverURL + "/#token=" + cluster.adminToken
        let profile = cluster.directory.path + "/chromium"
        let browser = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--virtual-time-budget=8000",
            "--window-size=1280,1400",
        ]
        let dom = try await runCommand(chromium, browser + ["--dump-dom", page], timeout: .seconds(90))
        #expect(dom.status == 0, "\(dom.standardError.suffix(2000))")
        let html = dom.standardOutput
        for metric in ["weight", "error-rate", "p95"] {
            #expect(html.contains(#"<svg class="chart" data-deployment="\#(canary.id)" data-metric="\#(metric)""#), "no \(metric) chart:\n\(html.suffix(4000))")
        }
        let series = try Regex(#"data-release="canary" data-points="([0-9]+)"\s+points="([^"]+)""#)
        let canarySeries = html.matches(of: series).map { (Int($0.output[1].substring ?? "") ?? 0, String($0.output[2].substring ?? "")) }
        #expect(canarySeries.count == 3, "canary series: \(canarySeries)")
        #expect(canarySeries.allSatisfy { $0.0 >= 2 && $0.1.split(separator: " ").count == $0.0 }, "\(canarySeries)")
        #expect(html.contains(#"data-release="stable""#))
        #expect(html.contains("step 2/3: pause until promoted"))
        #expect(html.contains("error_rate &gt; 50% for 3s min 20"))

        let screenshot = cluster.directory.path + "/dashboard.png"
        let shot = try await runCommand(chromium, browser + ["--screenshot=\(screenshot)", page], timeout: .seconds(90))
        #expect(shot.status == 0, "\(shot.standardError.suffix(2000))")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "\(png.count) bytes")
        if let keep = ProcessInfo.processInfo.environment["STEWARD_SCREENSHOT_DIR"] {
            try? FileManager.default.removeItem(atPath: keep + "/dashboard-canary.png")
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep + "/dashboard-canary.png")
        }

        // Promote past the pause: 100 % on the canary, 1.0.0 kept warm.
        let promoted = try await runCommand(steward, ["promote", "\(canary.id)"] + client)
        #expect(promoted.status == 0, "\(promoted.standardOutput)\(promoted.standardError)")
        #expect(promoted.standardOutput.contains("deployment \(canary.id) promoted"), "\(promoted.standardOutput)")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(100), "the canary warm at 100 %") {
            let current = try await cluster.deployment(canary.id)
            return current.phase == "warm" && current.weight == 100
        }
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "2.0.0 alone on the stable port") {
            (try? await cluster.stableVersion()) == "2.0.0"
        }
        let nothingToPromote = try await runCommand(steward, ["promote", "999"] + client)
        #expect(nothingToPromote.status == 2, "\(nothingToPromote.standardError)")

        // While warm, a rollback is a weight flip, and the CLI says so.
        let rolledBack = try await runCommand(steward, ["rollback", "web", "--env", "development", "--wait", "--timeout", "60"] + client)
        #expect(rolledBack.status == 0, "\(rolledBack.standardOutput)\(rolledBack.standardError)")
        #expect(rolledBack.standardOutput.contains("instant rollback: deployment \(canary.id)"), "\(rolledBack.standardOutput)")
        #expect(rolledBack.standardOutput.contains("no restart"), "\(rolledBack.standardOutput)")
        #expect(rolledBack.standardOutput.contains("runs release r1 again"), "\(rolledBack.standardOutput)")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "1.0.0 back on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }
        load.stop()
        await loop.value
        #expect(load.transportErrors.isEmpty, "\(load.transportErrors.prefix(3))")
    }

    /// `steward deploy web 2.0.0 --strategy canary --wait` on a canary answering 30 % errors: live
    /// progress lines on stderr (steps, weights, both releases' numbers), exit 4 because a rule rolled
    /// it back; `--output json` prints the final deployment with `ruleFailed`.
    @Test func aCanaryRolledBackByARuleExits4() async throws {
        let cluster = try await Self.servingFirstRelease(deploy: CanaryTests.canaryKeys)
        defer { cluster.shutdown() }
        let load = StatusCounter(url: cluster.stableURL + "/api/version", http: cluster.http)
        let loop = Task { await load.run() }
        defer { loop.cancel() }
        let client = ["--server", cluster.serverURL, "--token", cluster.adminToken]

        let result = try await runCommand(
            steward,
            ["deploy", "web", "2.0.0", "--env", "development", "--strategy", "canary", "--set", "ERROR_RATE=0.3", "--wait",
             "--timeout", "120", "--output", "json"] + client,
            timeout: .seconds(150))
        load.stop()
        await loop.value
        #expect(result.status == 4, "\(result.standardOutput)\(result.standardError)\n\(cluster.logs())")
        let final = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(final?["phase"] as? String == "failed")
        #expect(final?["ruleFailed"] as? Bool == true)
        #expect((final?["reason"] as? String ?? "").contains("error_rate > 5% for 3s min 20"))
        // Not a terminal: the progress is lines, with the step, the traffic split and each release's numbers.
        let progress = result.standardError
        #expect(!progress.contains("\u{1B}["), "escape codes on a pipe")
        #expect(progress.contains("canary of web/development r2 rolling: step 2/3: analysis: error_rate > 5% for 3s min 20"), "\(progress)")
        #expect(progress.contains("traffic: stable r1 80% · canary r2 20%"), "\(progress)")
        #expect(progress.contains("canary r2: ") && progress.contains("errors, p95 "), "\(progress)")
        #expect(progress.contains("error: deployment 2 was rolled back by a rule"), "\(progress)")
    }
}

/// `GET /api/v1/deployments/{id}/metrics`, the fields the tests read.
struct MetricsView: Decodable {
    struct Release: Decodable {
        var role: String
        var release: Int
        var weight: Int?
        var measured: Bool
        var requests: Double
        var errorRate: Double?
        var p95Ms: Double?
    }
    struct Rule: Decodable {
        var rule: String
        var kind: String
        var verdict: String
    }
    var strategy: String
    var phase: String
    var step: Int?
    var steps: [String]
    var weight: Int?
    var releases: [Release]
    var rules: [Rule]
}
