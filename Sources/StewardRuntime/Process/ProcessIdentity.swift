import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who a process is, in terms that survive pid reuse and reboots.
///
/// A pid alone names a process only until it is reaped. Steward therefore records, for every
/// process it starts, the boot it started in (`/proc/sys/kernel/random/boot_id`), its kernel
/// start time (`/proc/PID/stat` field 22) and the agent's marker in its environment, and
/// checks all three before it adopts or signals a process it did not just start itself.
public struct ProcessIdentity: Sendable, Equatable, Codable {
    public var pid: Int32
    /// Kernel start time in clock ticks since boot: with the boot id, unique for the host's lifetime.
    public var startTicks: UInt64
    /// The boot the process started in.
    public var bootID: String

    public init(pid: Int32, startTicks: UInt64, bootID: String = ProcessIdentity.currentBootID) {
        self.pid = pid
        self.startTicks = startTicks
        self.bootID = bootID
    }

    /// This boot's id, or "" when the kernel does not expose it.
    public static let currentBootID: String = {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// The kernel start time of `pid`, or nil when no such process exists.
    public static func startTicks(of pid: Int32) -> UInt64? {
        guard let fields = statFields(pid), fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// True when the process still runs (not a zombie) and is the one this identity names.
    ///
    /// - Parameter environmentEntries: `KEY=VALUE` entries that must all be in its environment,
    ///   e.g. the agent's marker; an unreadable environment counts as not matching.
    public func isRunning(withEnvironmentEntries environmentEntries: [String] = []) -> Bool {
        guard bootID == Self.currentBootID, let fields = Self.statFields(pid), fields.count > 19,
            fields[0] != "Z", fields[0] != "X", UInt64(fields[19]) == startTicks
        else { return false }
        guard !environmentEntries.isEmpty else { return true }
        guard let entries = Self.environmentEntries(of: pid) else { return false }
        return environmentEntries.allSatisfy(entries.contains)
    }

    /// The `KEY=VALUE` entries of a process's environment, or nil when unreadable.
    ///
    /// A process in the middle of `exec` briefly shows an empty environment; a few quick re-reads
    /// keep that moment from counting as "not ours".
    static func environmentEntries(of pid: Int32) -> Set<String>? {
        for attempt in 0..<5 {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
            if !data.isEmpty { return Set(data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }) }
            if attempt < 4 { usleep(2_000) }
        }
        return []
    }

    /// `/proc/PID/stat` after the command name: field 3 (state) first.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
