import Foundation
import Synchronization

/// A test server's process and its scratch directory, which go together: stopping stops the
/// process (SIGTERM, then SIGKILL after 5 seconds), reaps it and deletes the directory, once.
final class ServerProcess: Sendable {
    /// The server's temporary working directory.
    let directory: String
    private let process: Mutex<ChildProcess?>

    init(_ process: ChildProcess, directory: String) {
        self.process = Mutex(process)
        self.directory = directory
    }

    /// Stops the server and deletes its directory; safe to call twice.
    func stop() {
        let running = process.withLock { process in
            defer { process = nil }
            return process
        }
        guard let running else { return }
        running.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
