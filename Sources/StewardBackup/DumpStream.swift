import CStewardSpawn
import Crypto
import Foundation
import StewardCore
import StewardRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Runs `pg_dump` with its stdout on a pipe and streams it, up to 1 MiB at a time, through SHA-256
/// into the artifact file: the dump is never held in memory, and the checksum is of exactly the
/// bytes written.
enum DumpStream {
    struct Written: Sendable {
        var size: Int64
        var sha256: String
    }

    /// Runs `arguments` (pg_dump's, without the executable) and writes its stdout to `artifact`,
    /// which must not exist; created 0600, fsynced before this returns.
    static func run(
        tools: PostgresClientTools, arguments: [String], environment: [String: String], artifact: String,
        directory: PrivateDirectory, progress: @escaping @Sendable (Int64) -> Void
    ) async throws -> Written {
        let output = open(artifact, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw BackupError(.failed, "cannot create \(artifact): \(String(cString: strerror(errno)))")
        }
        var pipeFDs: [Int32] = [0, 0]
        // Close-on-exec, so no other process started meanwhile inherits the write end and holds the pipe open.
        guard pipe(&pipeFDs) == 0, fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC) == 0
        else {
            close(output)
            throw BackupError(.failed, "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        #if os(Linux)
        // F_SETPIPE_SZ (not exported by Swift's Glibc): 1 MiB instead of 64 KiB, so pg_dump keeps
        // writing while this reader waits for a core on a busy machine. Best effort: the default
        // size works, only slower, when the system's pipe-max-size is lower.
        _ = fcntl(writeEnd, 1031, Int32(Self.chunkSize))
        #endif
        let logPath = "\(directory.path)/pg_dump.log"
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)

        let path = "\(tools.binaries)/pg_dump"
        var pid: pid_t = 0
        let argv = [path] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawned = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envpPointer in
                steward_spawn(path, argvPointer, envpPointer, nil, writeEnd, log, &pid)
            }
        }
        // The child has its copies; ours must go, or the pipe never reaches end-of-file.
        close(writeEnd)
        if log >= 0 { close(log) }
        guard spawned == 0 else {
            close(readEnd)
            close(output)
            unlink(artifact)
            throw BackupError(.failed, "cannot start \(path): \(String(cString: strerror(spawned)))")
        }
        let process = ProcessHandle.watchChild(
            ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid) ?? 0))

        let copied: Result<Written, any Error>
        do {
            let value = try await withTaskCancellationHandler {
                try await BlockingThread.run { try copy(from: readEnd, to: output, path: artifact, progress: progress) }
            } onCancel: {
                process.signalGroup(SIGKILL)  // the pipe closes, the copy ends
            }
            copied = .success(value)
        } catch {
            process.signalGroup(SIGKILL)
            copied = .failure(error)
        }
        close(readEnd)
        close(output)
        let exited = await process.waitForExit(timeout: tools.timeout)
        if !exited {
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
        }
        do {
            let written = try copied.get()
            try Task.checkCancellation()
            guard exited else { throw BackupError(.failed, "pg_dump did not finish within \(tools.timeout); it was killed") }
            guard process.exitCode == 0 else {
                throw BackupError(
                    .failed,
                    "pg_dump exited with \(process.exitCode.map(String.init) ?? "an unknown status"): \(PostgresClientTools.tail(of: logPath))")
            }
            return written
        } catch {
            unlink(artifact)
            throw error
        }
    }

    /// The pipe's size and the largest read.
    static let chunkSize = 1 << 20

    /// Copies the pipe into the file through SHA-256 until end-of-file, then fsyncs the file.
    private static func copy(
        from input: Int32, to output: Int32, path: String, progress: @Sendable (Int64) -> Void
    ) throws -> Written {
        var hasher = SHA256()
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BackupError(.failed, "cannot read pg_dump's output: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            try buffer.withUnsafeBytes { bytes in
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[..<count])
                hasher.update(bufferPointer: chunk)
                try FileDescriptorIO.writeAll(output, chunk, path: path)
            }
            total += Int64(count)
            progress(total)
        }
        try FileDescriptorIO.fsync(output, path: path)
        return Written(size: total, sha256: Hex.string(hasher.finalize()))
    }

    /// NUL-terminated C strings for the duration of `body`.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
    ) -> Result {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
