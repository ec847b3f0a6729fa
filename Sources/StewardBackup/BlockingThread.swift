import Foundation

/// Runs blocking work (reading a pipe, hashing a file) on a thread of its own, so it never
/// holds one of the few threads of Swift's cooperative pool for the length of a dump.
enum BlockingThread {
    static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "steward-backup-io"
            thread.start()
        }
    }
}
