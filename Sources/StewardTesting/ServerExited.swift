/// The server process ended while the helper waited for it to start.
struct ServerExited: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "the server process exited with status \(status)" }
}
