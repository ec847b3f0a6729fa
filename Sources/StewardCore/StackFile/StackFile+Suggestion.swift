import Foundation

extension StackFile {
    /// The candidate the user most likely meant, or nil when none is close.
    ///
    /// A candidate matches when it is equal ignoring case, `-` and `_` (`depends_on` →
    /// `dependsOn`), or when it is within a small edit distance (insertions, deletions,
    /// substitutions and swaps of neighbours: `comand` → `command`, `prot` → `port`).
    /// Cost is bounded: text longer than 64 characters gets no suggestion, and a
    /// candidate whose length differs by more than the allowed distance is skipped.
    static func suggestion(for text: String, among candidates: [String]) -> String? {
        let found = Array(text.unicodeScalars)
        guard !found.isEmpty, found.count <= 64 else { return nil }
        let folded = fold(text)
        if let match = candidates.first(where: { fold($0) == folded }) { return match }
        let allowed = max(1, min(3, found.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let target = Array(candidate.unicodeScalars)
            guard abs(target.count - found.count) <= allowed else { continue }
            let distance = editDistance(found, target)
            if distance <= allowed, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    private static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != " " })
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
