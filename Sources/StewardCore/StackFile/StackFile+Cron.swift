import Foundation

extension StackFile {
    /// Checks of five-field cron expressions: `minute hour day-of-month month day-of-week`.
    ///
    /// Each field is `*` or a comma list of values, ranges `a-b` and steps `*/n` or `a-b/n`;
    /// months take `JAN`…`DEC` and days of the week `SUN`…`SAT` (0 and 7 are Sunday).
    /// `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly` and `@annually` are
    /// accepted as well.
    enum Cron {
        static let grammar =
            "five fields 'minute hour day-of-month month day-of-week' such as '0 2 * * *' (daily at 02:00)"

        private struct FieldSpec {
            var name: String
            var range: ClosedRange<Int>
            var names: [String]  // names[i] is the value range.lowerBound + i
        }

        private static let fields = [
            FieldSpec(name: "minute", range: 0...59, names: []),
            FieldSpec(name: "hour", range: 0...23, names: []),
            FieldSpec(name: "day of month", range: 1...31, names: []),
            FieldSpec(
                name: "month", range: 1...12,
                names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
            FieldSpec(name: "day of week", range: 0...7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
        ]

        /// Nil when `text` is a valid expression; otherwise what is wrong with it.
        static func problem(in text: String) -> String? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("@") {
                let macros = ["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"]
                return macros.contains(trimmed.lowercased())
                    ? nil : "'\(trimmed)' is not one of \(macros.joined(separator: ", "))"
            }
            let parts = trimmed.split(whereSeparator: { $0.isWhitespace })
            guard parts.count == 5 else { return "it has \(parts.count) field\(parts.count == 1 ? "" : "s")" }
            for (part, spec) in zip(parts, fields) {
                if let problem = problem(in: part, spec) { return problem }
            }
            return nil
        }

        private static func problem(in field: Substring, _ spec: FieldSpec) -> String? {
            let accepted =
                "\(spec.range.lowerBound)-\(spec.range.upperBound)"
                + (spec.names.isEmpty ? "" : " or \(spec.names[0])-\(spec.names[spec.names.count - 1])")
            for element in field.split(separator: ",", omittingEmptySubsequences: false) {
                let pieces = element.split(separator: "/", omittingEmptySubsequences: false)
                let bad = "the \(spec.name) '\(element)' is not \(accepted), a range or a step"
                guard (1...2).contains(pieces.count) else { return bad }
                if pieces[0] != "*" {
                    let ends = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                    guard (1...2).contains(ends.count), let first = value(ends[0], spec),
                        let last = value(ends[ends.count - 1], spec)
                    else { return bad }
                    guard first <= last else { return "the \(spec.name) range '\(pieces[0])' runs backwards" }
                }
                if pieces.count == 2 {
                    let span = spec.range.upperBound - spec.range.lowerBound + 1
                    guard pieces[1].count <= 3, pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                        let step = Int(pieces[1]), (1...span).contains(step)
                    else { return "the \(spec.name) step '/\(pieces[1])' is not 1-\(span)" }
                }
            }
            return nil
        }

        private static func value(_ text: Substring, _ spec: FieldSpec) -> Int? {
            if let index = spec.names.firstIndex(of: text.uppercased()) { return spec.range.lowerBound + index }
            guard !text.isEmpty, text.count <= 2, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(text),
                spec.range.contains(number)
            else { return nil }
            return number
        }
    }
}
