import Foundation

/// A PostgreSQL server and database from a `postgres://user:password@host:port/database` URL.
///
/// The password is kept apart so it can be handed to the client tools through a private
/// `PGPASSFILE` and never through argv; ``redacted`` is the form for messages.
public struct PostgresTarget: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    /// Handed to the tools only through a 0600 `PGPASSFILE`; never in argv, logs or manifests.
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, user: String = "postgres", password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses the URL; TLS is not supported yet, so `sslmode=require` and stricter are refused rather than downgraded.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else { throw BackupError(.invalid, "expected a postgres:// URL, found \(Self.redact(url))") }
        guard let host = components.host, !host.isEmpty else {
            throw BackupError(.invalid, "the postgres URL names no host: \(Self.redact(url))")
        }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "allow", "prefer"].contains(mode) else {
            throw BackupError(.invalid, "sslmode=\(mode) is not supported (backups connect without TLS)")
        }
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.init(
            host: host, port: components.port ?? 5432, user: user, password: components.password,
            database: path.isEmpty ? user : path)
    }

    /// The same server, another database.
    public func with(database: String) -> PostgresTarget {
        var copy = self
        copy.database = database
        return copy
    }

    /// `postgres://user@host:port/database`: no password, for messages and manifests.
    public var redacted: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The libpq connection options for argv: everything but the password.
    var clientArguments: [String] {
        ["--host", host, "--port", String(port), "--username", user, "--no-password"]
    }

    /// `url` with the password replaced by `***`, for a URL that may not even parse.
    static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return url }
        guard let colon = rest[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
