/// Everything `demo-app` reads from its environment, validated once at start.
struct DemoConfiguration: Sendable {
    /// Address to bind (`HOST`, default `127.0.0.1`).
    var host: String
    /// Port to bind (`PORT`, default 8080; 0 lets the kernel choose).
    var port: Int
    /// Reported by every health and version answer (`APP_VERSION`, else `STEWARD_VERSION`, else `dev`).
    var version: String
    /// Where readiness checks connect (`DATABASE_URL`); `nil` skips the database check.
    var database: DatabaseURL?
    /// Injected misbehaviour.
    var faults: Faults
    /// Exit with status 1 before binding (`CRASH_ON_START`).
    var crashOnStart: Bool

    /// Reads and validates the configuration.
    ///
    /// - Throws: ``ConfigurationError`` naming the first variable with an invalid value.
    init(environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            // An empty value means unset, as in most shells' `VAR= command`.
            guard let raw = environment[name], !raw.isEmpty else { return nil }
            return raw
        }
        host = value("HOST") ?? "127.0.0.1"
        if let raw = value("PORT") {
            guard let port = Int(raw), (0...65_535).contains(port) else {
                throw ConfigurationError(variable: "PORT", value: raw, expected: "an integer from 0 to 65535")
            }
            self.port = port
        } else {
            port = 8080
        }
        version = value("APP_VERSION") ?? value("STEWARD_VERSION") ?? "dev"
        database = try value("DATABASE_URL").map { try DatabaseURL($0) }
        crashOnStart = try Self.flag("CRASH_ON_START", value("CRASH_ON_START"))

        var faults = Faults()
        if let raw = value("ERROR_RATE") {
            guard let rate = Double(raw), rate >= 0, rate <= 1 else {
                throw ConfigurationError(variable: "ERROR_RATE", value: raw, expected: "a number from 0.0 to 1.0")
            }
            faults.errorRate = rate
        }
        if let raw = value("LATENCY_MS") {
            guard let latency = LatencyRange(raw) else {
                throw ConfigurationError(
                    variable: "LATENCY_MS", value: raw,
                    expected: "milliseconds as an integer (\"150\") or a range (\"100-300\")")
            }
            faults.latency = latency
        }
        faults.failHealth = try Self.flag("FAIL_HEALTH", value("FAIL_HEALTH"))
        if let raw = value("READY_DELAY_MS") {
            guard let milliseconds = Int(raw), milliseconds >= 0 else {
                throw ConfigurationError(variable: "READY_DELAY_MS", value: raw, expected: "a non-negative integer")
            }
            faults.readyDelay = .milliseconds(milliseconds)
        }
        self.faults = faults
    }

    /// Truthy `1`/`true`/`yes`/`on`, falsy `0`/`false`/`no`/`off` or unset; anything else is a mistake worth reporting.
    private static func flag(_ name: String, _ raw: String?) throws -> Bool {
        guard let raw else { return false }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, value: raw, expected: "1/true or 0/false")
        }
    }
}
