import Foundation

/// Reads the JSON of `pgbackrest info --output=json` into ``PgBackRestStanzaInfo``.
///
/// Only the fields Steward uses are decoded; pgBackRest adds fields between versions and those are ignored.
enum PgBackRestInfoJSON {
    /// The stanzas in `data`.
    /// - Throws: ``BackupError`` (`failed`) naming what could not be read.
    static func decode(_ data: Data) throws -> [PgBackRestStanzaInfo] {
        let stanzas: [Stanza]
        do {
            stanzas = try JSONDecoder().decode([Stanza].self, from: data)
        } catch {
            let start = String(decoding: data.prefix(200), as: UTF8.self)
            throw BackupError(.failed, "pgbackrest info printed JSON Steward cannot read (\(error)); it began: \(start)")
        }
        return stanzas.map { stanza in
            let currentDatabase = stanza.db.last?.id
            let archive = stanza.archive.last { $0.database.id == currentDatabase }
            return PgBackRestStanzaInfo(
                name: stanza.name, statusCode: stanza.status.code, statusMessage: stanza.status.message,
                backups: stanza.backup.map(\.model), walMin: archive?.min, walMax: archive?.max)
        }
    }

    private struct Stanza: Decodable {
        var name: String
        var status: Status
        var backup: [Backup]
        var archive: [Archive]
        var db: [Database]
    }

    private struct Status: Decodable {
        var code: Int
        var message: String
    }

    private struct Database: Decodable {
        var id: Int
    }

    private struct Archive: Decodable {
        var database: Database
        var min: String?
        var max: String?
    }

    private struct Backup: Decodable {
        struct Range: Decodable {
            var start: String
            var stop: String
        }
        struct Times: Decodable {
            var start: Int64
            var stop: Int64
        }
        struct Info: Decodable {
            struct Repository: Decodable {
                var delta: Int64
            }
            var size: Int64
            var repository: Repository
        }
        var label: String
        var type: PgBackRestBackupType
        var archive: Range
        var timestamp: Times
        var info: Info
        var prior: String?
        var reference: [String]?

        var model: PgBackRestBackup {
            PgBackRestBackup(
                label: label, type: type, startTime: Date(timeIntervalSince1970: TimeInterval(timestamp.start)),
                stopTime: Date(timeIntervalSince1970: TimeInterval(timestamp.stop)), walStart: archive.start,
                walStop: archive.stop, sizeBytes: info.size, repositoryDeltaBytes: info.repository.delta, prior: prior,
                references: reference ?? [])
        }
    }
}

extension PgBackRestStanzaInfo {
    /// The stanzas in the output of `pgbackrest info --output=json`.
    /// - Throws: ``BackupError`` (`failed`) when the JSON is not pgBackRest's.
    public static func stanzas(fromInfoJSON data: Data) throws -> [PgBackRestStanzaInfo] {
        try PgBackRestInfoJSON.decode(data)
    }
}
