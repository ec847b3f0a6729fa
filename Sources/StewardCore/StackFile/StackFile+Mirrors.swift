import Foundation
import Yams

// `mirrors:` — bucket prefixes copied incrementally into another bucket or a folder. The keys are
// listed in `StackFileSchema.swift`; the model is `MirrorSpec`.

extension StackFile.Compiler {
    func mirrors(_ field: Field) -> [MirrorSpec] {
        guard let items = field.list(expected: "a list of mirrors") else { return [] }
        var names = UniqueNames(what: "mirror names")
        var targets: [String: String] = [:]  // normalized target → the mirror that writes there
        return items.enumerated().compactMap { index, item in
            let context = peekName(item.node).map { "mirror '\($0)'" } ?? "mirror \(index + 1)"
            guard let r = item.mapping(context: context, section: .mirror) else { return nil }
            defer { r.finish() }
            let name = r.required("name", expected: Expect.name).flatMap { field -> String? in
                guard let name = field.string(expected: Expect.name) else { return nil }
                guard StackFile.isValidName(name) else {
                    field.invalid(Expect.name)
                    return nil
                }
                return names.check(field)
            }
            let sourceExpected = "s3://BUCKET or s3://BUCKET/PREFIX (the bucket to mirror)"
            let source = r.required("source", expected: sourceExpected).flatMap { field -> String? in
                guard let text = destination(field) else { return nil }
                guard text.hasPrefix("s3://") else {
                    field.invalid(sourceExpected, reason: "a mirror copies a bucket, not a folder")
                    return nil
                }
                return text
            }
            let target = r.required("target", expected: "s3://BUCKET/PREFIX or a folder path").flatMap { field -> String? in
                guard let text = destination(field) else { return nil }
                if let source, Self.mirrorLocationsOverlap(source, text) {
                    field.invalid(
                        "a bucket prefix or folder outside the source",
                        reason: "the target \(text) lies inside the source \(source) or holds it: the mirror would copy itself")
                    return nil
                }
                let key = Self.normalizedMirrorLocation(text)
                if let owner = targets[key] {
                    field.invalid(
                        "a target no other mirror writes to",
                        reason: "mirror '\(owner)' already writes to \(text): their manifests would overwrite each other")
                    return nil
                }
                targets[key] = name ?? context
                return text
            }
            var spec = MirrorSpec(name: name ?? "", source: source ?? "", target: target ?? "")
            if let keepRemoved = r.bool("keepRemoved") { spec.keepRemoved = keepRemoved }
            if let field = r.field("schedule"), let text = field.string(expected: StackFile.Cron.grammar) {
                if let problem = StackFile.Cron.problem(in: text) {
                    field.invalid(StackFile.Cron.grammar, reason: problem)
                } else {
                    spec.schedule = text
                }
            }
            if let field = r.field("timeZone"), let zone = timeZone(field) { spec.timeZone = zone }
            guard name != nil, source != nil, target != nil else { return nil }
            return spec
        }
    }

    /// `s3://bucket/prefix/` for a bucket location (the prefix with one trailing `/`, none when
    /// empty), the path without trailing `/` for a folder.
    static func normalizedMirrorLocation(_ text: String) -> String {
        guard text.hasPrefix("s3://") else {
            var path = text
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return path
        }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        let prefix = rest.dropFirst(bucket.count).split(separator: "/").joined(separator: "/")
        return "s3://\(bucket)/" + (prefix.isEmpty ? "" : prefix + "/")
    }

    /// Whether two bucket locations are the same, or one lies inside the other.
    static func mirrorLocationsOverlap(_ source: String, _ target: String) -> Bool {
        guard source.hasPrefix("s3://"), target.hasPrefix("s3://") else { return false }
        let a = normalizedMirrorLocation(source)
        let b = normalizedMirrorLocation(target)
        return a.hasPrefix(b) || b.hasPrefix(a)
    }
}
