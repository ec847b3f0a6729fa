import Foundation
import GRDB
import StewardCore

/// The secrets vault: versioned secret values, sealed with AES-GCM in the store's `secrets` table.
///
/// Each ``set(_:environment:value:actor:time:)`` or ``rotate(_:environment:value:actor:time:)``
/// adds a version; the newest is the one in use. A value is set either for one environment or
/// for every environment (`environment: nil`); ``resolve(_:in:)`` prefers the environment's own.
/// Every change appends its event (`secret.set`, `secret.rotated`, `secret.removed`: the name,
/// environment and version, never the value) in the same transaction as the change itself, so
/// the log and the vault never disagree.
///
/// ```swift
/// let vault = SecretVault(log: log, key: try VaultKey.loadOrCreate(path: dataDirectory + "/vault.key"))
/// try vault.set("DB_PASSWORD", environment: "production", value: password, actor: "alice")
/// let value = try vault.resolve("DB_PASSWORD", in: "production")
/// ```
///
/// ## Topics
///
/// ### Changing secrets
/// - ``set(_:environment:value:actor:time:)``
/// - ``rotate(_:environment:value:actor:time:)``
/// - ``remove(_:environment:actor:time:)``
///
/// ### Reading
/// - ``list(environment:)``
/// - ``value(of:environment:)``
/// - ``resolve(_:in:)``
/// - ``checkKey()``
public final class SecretVault: Sendable {
    /// The log whose database holds the vault, and which records every change.
    public let log: EventLog
    let sealer: SecretSealer

    /// A vault over `log`'s database, sealing with `key`.
    public init(log: EventLog, key: VaultKey) {
        self.log = log
        sealer = SecretSealer(key: key)
    }

    /// The public id of the vault key (see ``VaultKey/id``).
    public var keyID: String { Hex.string(sealer.keyID) }

    // MARK: Changing

    /// Stores a new version of a secret (the first, when it is new) and records `secret.set`.
    ///
    /// - Parameters:
    ///   - name: `[A-Z_][A-Z0-9_]*`, at most 128 characters.
    ///   - environment: The environment the value is for; nil for every environment.
    ///   - value: Non-empty, at most 64 KiB, no NUL byte.
    ///   - actor: Who set it, for the event and ``SecretInfo/setBy``.
    ///   - time: When.
    /// - Returns: The secret as stored and the event.
    /// - Throws: ``VaultError`` for a bad name, environment or value; ``StoreError``.
    @discardableResult
    public func set(_ name: String, environment: String?, value: String, actor: String, time: Date = Date()) throws
        -> SecretChange
    {
        try write(.set, name, environment: environment, value: value, actor: actor, time: time)
    }

    /// Stores a new version of an existing secret and records `secret.rotated`.
    ///
    /// - Throws: ``VaultError`` `.notFound` when the secret has no value in that scope, and as
    ///   ``set(_:environment:value:actor:time:)`` does.
    @discardableResult
    public func rotate(_ name: String, environment: String?, value: String, actor: String, time: Date = Date()) throws
        -> SecretChange
    {
        try write(.rotated, name, environment: environment, value: value, actor: actor, time: time)
    }

    /// Deletes every version of a secret in one scope and records `secret.removed`.
    ///
    /// - Returns: The secret as it was, and the event.
    /// - Throws: ``VaultError`` `.notFound` when it has no value in that scope; ``StoreError``.
    @discardableResult
    public func remove(_ name: String, environment: String?, actor: String, time: Date = Date()) throws -> SecretChange {
        try Self.check(name: name, environment: environment, value: nil)
        let scope = environment ?? ""
        return try perform {
            try log.writer.write { db in
                guard let info = try Self.info(db, name: name, scope: scope) else { throw Self.notFound(name, environment) }
                try db.execute(sql: "DELETE FROM secrets WHERE name = ? AND environment = ?", arguments: [name, scope])
                let event = SecretChanged(change: .removed, name: name, environment: environment, version: info.version)
                return SecretChange(info: info, event: try EventLog.insert(event: .secretChanged(event), actor: actor, time: time, in: db))
            }
        }
    }

    // MARK: Reading

    /// Every secret with its newest version, by name then environment (every-environment values first).
    ///
    /// - Parameter environment: When given, only what that environment's instances see: its own
    ///   values and the every-environment values it does not override.
    /// - Throws: ``StoreError``.
    public func list(environment: String? = nil) throws -> [SecretInfo] {
        let all = try perform {
            try log.writer.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.name, s.environment, s.version, s.set_by, s.set_at, c.versions
                        FROM secrets s
                        JOIN (SELECT name, environment, max(version) AS newest, count(*) AS versions
                              FROM secrets GROUP BY name, environment) c
                          ON c.name = s.name AND c.environment = s.environment AND c.newest = s.version
                        ORDER BY s.name, s.environment
                        """
                ).map(Self.info(from:))
            }
        }
        guard let environment else { return all }
        let own = Set(all.filter { $0.environment == environment }.map(\.name))
        return all.filter { $0.environment == environment || ($0.environment == nil && !own.contains($0.name)) }
    }

    /// The newest value of a secret in exactly one scope, or nil when it has none there.
    ///
    /// - Throws: ``VaultError`` `.wrongKey` or `.corrupted` when the stored value does not open; ``StoreError``.
    public func value(of name: String, environment: String?) throws -> String? {
        let scope = environment ?? ""
        let row = try perform {
            try log.writer.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT version, sealed FROM secrets WHERE name = ? AND environment = ? ORDER BY version DESC LIMIT 1",
                    arguments: [name, scope])
            }
        }
        guard let row else { return nil }
        return try sealer.open(row["sealed"], name: name, environment: scope, version: row["version"])
    }

    /// The value an instance in `environment` gets for `${secret:NAME}`: the environment's own
    /// value, else the every-environment value; nil when the vault has neither.
    ///
    /// - Parameter environment: The instance's environment; nil reads only every-environment values.
    /// - Throws: as ``value(of:environment:)``.
    public func resolve(_ name: String, in environment: String?) throws -> String? {
        if let environment, let value = try value(of: name, environment: environment) { return value }
        return try value(of: name, environment: nil)
    }

    /// Checks that every stored value was sealed under this vault's key, without decrypting any.
    ///
    /// - Throws: ``VaultError`` `.wrongKey` naming the first secret sealed under another key.
    public func checkKey() throws {
        let rows = try perform {
            try log.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT name, environment, version, substr(sealed, 2, 8) AS key_id FROM secrets")
            }
        }
        for row in rows where (row["key_id"] as Data?) != sealer.keyID {
            let stored: Data = row["key_id"] ?? Data()
            let name: String = row["name"], environment: String = row["environment"], version: Int = row["version"]
            throw VaultError(
                .wrongKey,
                "secret \(name)\(environment.isEmpty ? "" : " (\(environment))") version \(version) was sealed under "
                    + "vault key \(Hex.string(stored)), but this control plane holds key \(keyID): start it with "
                    + "the key the vault was written with (DATA/\(VaultKey.fileName) or \(VaultKey.environmentVariable))")
        }
    }

    // MARK: Internals

    private func write(
        _ change: SecretChanged.Change, _ name: String, environment: String?, value: String, actor: String, time: Date
    ) throws -> SecretChange {
        try Self.check(name: name, environment: environment, value: value)
        let scope = environment ?? ""
        let millis = EventHash.milliseconds(of: time)
        return try perform {
            try log.writer.write { db in
                let newest = try Int.fetchOne(
                    db, sql: "SELECT max(version) FROM secrets WHERE name = ? AND environment = ?", arguments: [name, scope])
                if change == .rotated, newest == nil { throw Self.notFound(name, environment) }
                let version = (newest ?? 0) + 1
                let sealed = try sealer.seal(value, name: name, environment: scope, version: version)
                try db.execute(
                    sql: "INSERT INTO secrets (name, environment, version, sealed, set_at, set_by) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [name, scope, version, sealed, millis, actor])
                let event = SecretChanged(change: change, name: name, environment: environment, version: version)
                let record = try EventLog.insert(event: .secretChanged(event), actor: actor, time: time, in: db)
                guard let info = try Self.info(db, name: name, scope: scope) else { throw Self.notFound(name, environment) }
                return SecretChange(info: info, event: record)
            }
        }
    }

    private static func check(name: String, environment: String?, value: String?) throws {
        if let problem = SecretRules.problem(inName: name) { throw VaultError(.invalidName, problem) }
        if let environment, let problem = SecretRules.problem(inEnvironment: environment) {
            throw VaultError(.invalidEnvironment, problem)
        }
        if let value, let problem = SecretRules.problem(inValue: value) { throw VaultError(.invalidValue, problem) }
    }

    private static func notFound(_ name: String, _ environment: String?) -> VaultError {
        VaultError(.notFound, "no secret \(name) \(environment.map { "for environment \($0)" } ?? "for every environment")")
    }

    private static func info(_ db: Database, name: String, scope: String) throws -> SecretInfo? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT name, environment, version, set_by, set_at,
                       (SELECT count(*) FROM secrets WHERE name = ?1 AND environment = ?2) AS versions
                FROM secrets WHERE name = ?1 AND environment = ?2 ORDER BY version DESC LIMIT 1
                """,
            arguments: [name, scope]
        ).map(info(from:))
    }

    private static func info(from row: Row) -> SecretInfo {
        let environment: String = row["environment"]
        return SecretInfo(
            name: row["name"], environment: environment.isEmpty ? nil : environment, version: row["version"],
            versions: row["versions"], setBy: row["set_by"], setAt: EventHash.date(milliseconds: row["set_at"]))
    }

    /// Runs a store access; vault errors pass through, the rest become ``StoreError``s.
    private func perform<T>(file: String = #fileID, line: Int = #line, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VaultError {
            throw error
        } catch {
            throw StoreError.wrapping(error, file: file, line: line)
        }
    }
}
