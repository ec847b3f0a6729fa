import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs server commands as an unprivileged user when the tests run as root.
///
/// PostgreSQL refuses to run as root; tests here and in CI do run as root. Then commands go
/// through `runuser -u postgres --` (the Debian package's user), or a `steward-test` user
/// created on demand when there is no `postgres` user.
enum ServerUser {
    /// The user to run servers as, or `nil` when the tests do not run as root.
    static func name() async throws -> String? {
        guard getuid() == 0 else { return nil }
        if getpwnam("postgres") != nil { return "postgres" }
        if getpwnam("steward-test") == nil {
            let outcome = try await CommandRunner.run(["/usr/sbin/useradd", "--system", "--no-create-home", "steward-test"])
            // Another test may have created it at the same moment.
            if outcome.status != 0 && getpwnam("steward-test") == nil {
                throw CommandFailed(command: ["useradd", "steward-test"], status: outcome.status, output: outcome.output)
            }
        }
        return "steward-test"
    }

    /// `arguments`, prefixed so that they run as `user` when there is one.
    static func command(_ arguments: [String], as user: String?) -> [String] {
        guard let user else { return arguments }
        return ["/usr/sbin/runuser", "-u", user, "--"] + arguments
    }

    /// Gives `path` and everything in it to `user` (when there is one).
    static func handOver(_ path: String, to user: String?) async throws {
        guard let user else { return }
        try await CommandRunner.check(["/bin/chown", "-R", "\(user):", path])
    }
}
