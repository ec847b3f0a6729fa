import Foundation

/// Names of a disaster-recovery drill and of what it starts.
///
/// A drill id has the shape `yyyyMMdd-HHmmss-xxxxxx` (UTC time, 6 random hex digits), like a
/// backup's: sortable and safe in file names. Every instance a drill starts has an id beginning
/// with `drill-ID-`, so the control plane tells drill instances apart from the releases' (they are
/// never routed, never recorded as a release's instances) and finds leftovers after a crash.
public enum DrillID {
    /// A new id for a drill started at `date`, with `random` as its last six hex digits.
    public static func new(at date: Date, random: UInt32 = UInt32.random(in: 0...0xFF_FFFF)) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d-%02d%02d%02d-%06x", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, random & 0xFF_FFFF)
    }

    /// Whether `id` has the shape ``new(at:random:)`` makes; nothing else names a drill.
    public static func isValid(_ id: String) -> Bool {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 8, parts[1].count == 6, parts[2].count == 6 else { return false }
        return parts[0].allSatisfy(\.isASCII) && parts[0].allSatisfy(\.isNumber) && parts[1].allSatisfy(\.isASCII)
            && parts[1].allSatisfy(\.isNumber)
            && parts[2].allSatisfy { $0.isASCII && ($0.isNumber || ("a"..."f").contains($0)) }
    }

    /// The prefix every instance of drill `id` carries: `drill-ID-`.
    public static func instancePrefix(of id: String) -> String { "drill-\(id)-" }

    /// The id of the `index`th drill instance of `service`: `drill-ID-SERVICE-INDEX`.
    public static func instanceID(drill id: String, service: String, index: Int) -> String {
        "\(instancePrefix(of: id))\(service)-\(index)"
    }

    /// The drill that made an instance (``instanceID(drill:service:index:)``), or nil for any other instance.
    ///
    /// The whole id shape is checked, not only `drill-`: a service named `drill` has release
    /// instances `drill-ENV-rN-I`, which are not drill instances.
    public static func drill(ofInstance instance: String) -> String? {
        guard instance.hasPrefix("drill-") else { return nil }
        let rest = instance.dropFirst("drill-".count)
        guard rest.count > 23 else { return nil }
        let id = String(rest.prefix(22))
        guard isValid(id), rest.dropFirst(22).first == "-" else { return nil }
        return id
    }

    /// True for an instance id a drill made.
    public static func isDrillInstance(_ instance: String) -> Bool { drill(ofInstance: instance) != nil }
}
