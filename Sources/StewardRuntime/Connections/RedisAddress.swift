import Foundation

/// The parts of a `redis://[user][:password]@host[:port][/db]` URL that probes and runbook steps use.
struct RedisAddress {
    var host: String
    var port: Int
    var user: String?
    var password: String?
    var database: Int?

    /// Parses the URL; `rediss://` (TLS) is refused because Steward speaks plain TCP to redis.
    init(parsing url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw ProbeFailure("not a redis URL: \(URLText.redactingPassword(url))")
        }
        guard scheme == "redis" else {
            if scheme == "rediss" { throw ProbeFailure("rediss:// (TLS) is not supported (Steward speaks plain TCP to redis)") }
            throw ProbeFailure("expected a redis:// URL, found \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ProbeFailure("the redis URL names no host: \(URLText.redactingPassword(url))")
        }
        self.host = host
        self.port = components.port ?? 6379
        // `redis://:secret@host` has an empty user: plain `AUTH secret`.
        self.user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        self.password = components.password
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if path.isEmpty {
            database = nil
        } else if let number = Int(path), number >= 0 {
            database = number
        } else {
            throw ProbeFailure("the redis URL's database '\(path)' is not a number")
        }
    }

    /// A command as a RESP array of bulk strings.
    static func encode(_ command: [String]) -> String {
        "*\(command.count)\r\n" + command.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }
}
