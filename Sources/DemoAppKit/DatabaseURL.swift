#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOSSL
import PostgresNIO

/// A parsed `DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=disable`.
struct DatabaseURL: Sendable {
    /// How the connection uses TLS, after libpq's `sslmode` (default `disable`).
    enum TLSMode: String, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    var tlsMode: TLSMode

    /// Parses the URL; the password never appears in the error.
    ///
    /// - Throws: ``ConfigurationError`` for another scheme, a missing host or user, or an unknown `sslmode`.
    init(_ text: String) throws {
        func invalid(_ expected: String) -> ConfigurationError {
            ConfigurationError(variable: "DATABASE_URL", value: "(not shown)", expected: expected)
        }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw invalid("a postgres:// or postgresql:// URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("a host in the URL") }
        guard let username = components.user, !username.isEmpty else { throw invalid("a user name in the URL") }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard let tlsMode = TLSMode(rawValue: sslmode) else {
            throw invalid("sslmode to be one of disable, allow, prefer, require, verify-ca, verify-full")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        self.tlsMode = tlsMode
    }

    /// The PostgresNIO configuration for one connection, giving up on connecting after `connectTimeout`.
    func connectionConfiguration(connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tls())
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        return configuration
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable:
            return .disable
        case .allow, .prefer:
            tls.certificateVerification = .none
            return .prefer(try NIOSSLContext(configuration: tls))
        case .require:
            // As in libpq: encrypted, but the certificate is not checked.
            tls.certificateVerification = .none
            return .require(try NIOSSLContext(configuration: tls))
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            return .require(try NIOSSLContext(configuration: tls))
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            return .require(try NIOSSLContext(configuration: tls))
        }
    }
}
