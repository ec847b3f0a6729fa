import Foundation
import PostgresNIO
import StewardCore

/// The rows of one statement's result as text, rendered the way `psql` aligns them.
///
/// Every row is counted, but only the first ones are kept (enough to fill a step's output), so a
/// statement returning millions of rows costs no memory here.
struct SQLResultTable {
    /// Rows kept at most, and cells are cut to this many characters in the table.
    static let maximumKeptRows = 2000
    static let maximumCellCharacters = 500

    struct Column {
        var name: String
        /// Numbers are right-aligned, as psql does.
        var isNumeric: Bool
    }

    private(set) var columns: [Column] = []
    private(set) var kept: [[String?]] = []
    private(set) var count = 0
    /// The first column of the first row as text (nil for NULL or no rows), bounded like output.
    private(set) var firstValue: String?
    private var keptCharacters = 0

    mutating func add(_ row: PostgresRow) {
        count += 1
        guard kept.count < Self.maximumKeptRows, keptCharacters < 2 * RunbookStepResult.outputLimit else { return }
        let texts = row.map(PostgresCellText.text(of:))
        if count == 1 {
            columns = row.map { Column(name: $0.columnName, isNumeric: Self.numericTypes.contains($0.dataType.rawValue)) }
            firstValue = texts.first.flatMap { $0 }.map(RunbookStepResult.bounded)
        }
        let cells = texts.map { $0.map(Self.displayed) }
        keptCharacters += cells.reduce(0) { $0 + ($1?.count ?? 0) + 3 }
        kept.append(cells)
    }

    /// The table (header, rule, rows; NULL shown empty) followed by `tag`, e.g. "DELETE 3", within the output limit.
    /// Rows that do not fit are summed up in one line before the tag.
    func rendered(tag: String) -> String {
        guard !columns.isEmpty else { return tag }
        var widths = columns.map(\.name.count)
        for row in kept {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell?.count ?? 0)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = " " + cells.joined(separator: " | ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let header = line(columns.enumerated().map { index, column in Self.centered(column.name, widths[index]) })
        let rule = widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")
        var lines = [header, rule]
        // Room for the lines below the rows.
        var budget = RunbookStepResult.outputLimit - 256 - header.utf8.count - rule.utf8.count
        var shown = 0
        for row in kept {
            let text = line(row.enumerated().map { index, cell in
                let cell = cell ?? ""
                let width = index < widths.count ? widths[index] : cell.count
                let padding = String(repeating: " ", count: max(0, width - cell.count))
                return index < columns.count && columns[index].isNumeric ? padding + cell : cell + padding
            })
            budget -= text.utf8.count + 1
            guard budget >= 0 else { break }
            lines.append(text)
            shown += 1
        }
        if shown < count { lines.append("(… \(count - shown) more row\(count - shown == 1 ? "" : "s") not shown)") }
        lines.append(tag)
        return lines.joined(separator: "\n")
    }

    /// A cell as one line of bounded length.
    private static func displayed(_ text: String) -> String {
        var text = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        if text.count > maximumCellCharacters { text = String(text.prefix(maximumCellCharacters)) + "…" }
        return text
    }

    /// `text` centred in `width`, extra space on the right (psql's header style).
    private static func centered(_ text: String, _ width: Int) -> String {
        let room = max(0, width - text.count)
        return String(repeating: " ", count: room / 2) + text + String(repeating: " ", count: room - room / 2)
    }

    private static let numericTypes: Set<UInt32> = [
        PostgresDataType.int2, .int4, .int8, .float4, .float8, .numeric, .oid, .xid, .xid8, .cid, .money,
    ].map(\.rawValue).reduce(into: []) { $0.insert($1) }
}
