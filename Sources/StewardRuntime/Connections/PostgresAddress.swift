import Foundation

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL that probes and runbook steps use.
struct PostgresAddress {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?

    /// Parses the URL. TLS is off: `sslmode=require` and stricter are refused rather than silently downgraded.
    init(parsing url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw ProbeFailure("not a postgres URL: \(URLText.redactingPassword(url))")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw ProbeFailure("expected a postgres:// URL, found \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ProbeFailure("the postgres URL names no host: \(URLText.redactingPassword(url))")
        }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "allow", "prefer"].contains(mode) else {
            throw ProbeFailure("sslmode=\(mode) is not supported (Steward connects to postgres without TLS)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        self.password = components.password
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : path
    }
}
