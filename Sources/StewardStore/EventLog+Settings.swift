import GRDB

extension EventLog {
    /// Reads a setting.
    ///
    /// - Parameter key: The setting's key.
    /// - Returns: Its value, or nil when it was never set.
    /// - Throws: ``StoreError``.
    public func setting(_ key: String) throws -> String? {
        try perform {
            try writer.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
            }
        }
    }

    /// Writes a setting, replacing any previous value.
    ///
    /// - Parameters:
    ///   - key: The setting's key; must not be empty.
    ///   - value: The value.
    /// - Throws: ``StoreError``; ``StoreError/Code/invalidValue`` for an empty key.
    public func setSetting(_ key: String, _ value: String) throws {
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO settings (key, value) VALUES (?, ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """,
                    arguments: [key, value]
                )
            }
        }
    }
}
