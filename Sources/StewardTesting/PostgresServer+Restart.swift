import Foundation

extension PostgresServer {
    /// Restarts the server (`pg_ctl restart -m fast -w`), for settings that take effect only then
    /// (`wal_level`, `archive_mode`); returns once it accepts connections again.
    /// - Throws: ``CommandFailed`` with pg_ctl's output and the server's log when it does not come back.
    public func restart() async throws {
        let outcome = try await CommandRunner.run(
            ServerUser.command(
                ["\(Self.binaries)/pg_ctl", "-D", dataDirectory, "-l", "\(directory)/postgres.log", "-m", "fast", "-w",
                 "-t", "60", "restart"],
                as: systemUser),
            in: directory)
        guard outcome.status == 0 else {
            let log = (try? String(contentsOfFile: "\(directory)/postgres.log", encoding: .utf8)) ?? ""
            throw CommandFailed(command: ["pg_ctl", "restart", "-D", dataDirectory], status: outcome.status, output: outcome.output + log)
        }
    }
}
