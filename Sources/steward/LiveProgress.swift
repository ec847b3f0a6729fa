import Foundation

/// A progress line on stderr for long work: redrawn in place on a terminal, otherwise one line
/// every few seconds (so logs of scripted runs stay short), with the byte rate between samples.
struct LiveProgress {
    let terminal = isatty(STDERR_FILENO) != 0
    let started = Date()
    /// Bytes per second between the last two samples that moved.
    private(set) var rate = 0.0
    private var lastBytes: Int64 = 0
    private var lastSample = Date()
    private var lastLine = Date.distantPast

    /// Seconds since the work was followed.
    func elapsed(at now: Date) -> TimeInterval { now.timeIntervalSince(started) }

    /// Takes a byte count into the rate.
    mutating func sample(bytes: Int64, at now: Date) {
        guard bytes != lastBytes else { return }
        let seconds = now.timeIntervalSince(lastSample)
        if seconds > 0 { rate = Double(bytes - lastBytes) / seconds }
        lastBytes = bytes
        lastSample = now
    }

    /// Shows `line`: in place on a terminal, else at most every 5 s.
    mutating func show(_ line: String, at now: Date) {
        if terminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        } else if now.timeIntervalSince(lastLine) >= 5 {
            printError(line)
            lastLine = now
        }
    }

    /// One round of a follower's loop: takes `bytes` into the rate and shows `line(rate, seconds)`
    /// (bytes per second, whole seconds followed).
    /// - Throws: ``CLIError/failed(_:)`` with `timedOut` (exit 1) once `timeout` seconds have passed.
    mutating func update(
        bytes: Int64, timeout: Int, timedOut: @autoclosure () -> String,
        line: (_ rate: Double, _ seconds: Int) -> String
    ) throws {
        let now = Date()
        sample(bytes: bytes, at: now)
        let elapsed = elapsed(at: now)
        show(line(rate, Int(elapsed)), at: now)
        guard elapsed < Double(timeout) else { throw CLIError.failed(timedOut()) }
    }

    /// Waits before the next poll, for a follower that polls (``pollInterval(after:)``).
    func pause() async throws {
        try await Task.sleep(for: Self.pollInterval(after: elapsed(at: Date())))
    }

    /// How long to wait before asking again: a hundredth of the time followed so far, between 20 ms
    /// and 300 ms. A backup of a gigabyte takes seconds, and a fixed 300 ms would add up to 10 % to
    /// what the user waits; from 30 s on it is asked every 300 ms.
    static func pollInterval(after elapsed: TimeInterval) -> Duration {
        .milliseconds(Int64(min(300, max(20, elapsed * 1000 / 100))))
    }

    /// Bytes in a readable unit (KiB, MiB, GiB).
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Clears the line drawn in place, before the result is printed.
    func end() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
