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

    /// Clears the line drawn in place, before the result is printed.
    func end() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
