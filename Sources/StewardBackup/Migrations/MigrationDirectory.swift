import Crypto
import Foundation
public import StewardCore

/// A migrations directory read into memory: its catalog and the text of every file.
///
/// Read once: the checksum recorded in the history is of the very bytes that run, so editing a
/// file while a run goes on changes nothing of that run.
public struct MigrationDirectory: Sendable {
    /// The directory as given (for messages).
    public let path: String
    /// The migrations, validated and ordered.
    public let catalog: MigrationCatalog
    private let texts: [String: String]

    /// Lists `path`, hashes each file (SHA-256) and checks the names (``MigrationCatalog/init(listing:)``).
    /// - Throws: ``MigrationError`` `.invalid` when the directory cannot be read, a migration is not
    ///   UTF-8, or the names break the rule (every problem, one per line, each naming its file).
    public static func load(_ path: String) throws(MigrationError) -> MigrationDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError(.invalid, "the migrations directory \(path) does not exist")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw MigrationError(.invalid, "the migrations directory \(path) cannot be listed: \(error.localizedDescription)")
        }
        var listing = [ListedMigrationFile]()
        var texts = [String: String]()
        for name in names.sorted() {
            // Only the files the rule reads: a README or .gitkeep is not opened.
            guard !name.hasPrefix("."), name.lowercased().hasSuffix(".sql") else { continue }
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw MigrationError(.invalid, "\(file) cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw MigrationError(.invalid, "\(file) is not UTF-8 text")
            }
            texts[name] = text
            listing.append(ListedMigrationFile(name: name, sha256: Hex.string(SHA256.hash(data: data))))
        }
        do {
            return MigrationDirectory(path: path, catalog: try MigrationCatalog(listing: listing), texts: texts)
        } catch {
            throw MigrationError(
                .invalid, "the migrations in \(path) break the naming rule:\n" + error.problems.map(\.description).joined(separator: "\n"))
        }
    }

    /// The text of a file of the catalog.
    func text(_ file: String) -> String { texts[file] ?? "" }
}
