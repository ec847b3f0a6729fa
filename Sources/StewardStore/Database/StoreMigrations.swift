import GRDB

/// The history of the StewardStore schema.
///
/// Each migration is written in SQL, in schema terms only, and runs in its own transaction.
/// A migration that has shipped is frozen: change the schema by adding a new one.
enum StoreMigrations {
    /// The migrator with every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events", migrate: v1Events)
        migrator.registerMigration("v1-tokens", migrate: v1Tokens)
        migrator.registerMigration("v1-settings", migrate: v1Settings)
        migrator.registerMigration("v2-users", migrate: v2Users)
        migrator.registerMigration("v3-secrets", migrate: v3Secrets)
        return migrator
    }

    /// The hash-chained event log and its head.
    ///
    /// The rules of the chain live here so that no writer, including a buggy one, can break them:
    /// - an event is inserted only at `log_head.last_seq + 1`, linked to `log_head.last_hash`;
    /// - inserting an event moves the head in the same transaction;
    /// - events are never updated or deleted, and the head only follows the events.
    /// Hashes are 64 lowercase hex digits. Fields that are hashed one per line cannot hold a line break.
    private static func v1Events(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
                    time_ms INTEGER NOT NULL,
                    type TEXT NOT NULL
                        CONSTRAINT event_type_is_one_nonempty_line
                        CHECK (length(type) > 0 AND instr(type, char(10)) = 0 AND instr(type, char(13)) = 0),
                    subject TEXT NOT NULL
                        CONSTRAINT event_subject_is_one_line
                        CHECK (instr(subject, char(10)) = 0 AND instr(subject, char(13)) = 0),
                    actor TEXT NOT NULL
                        CONSTRAINT event_actor_is_one_nonempty_line
                        CHECK (length(actor) > 0 AND instr(actor, char(10)) = 0 AND instr(actor, char(13)) = 0),
                    payload BLOB NOT NULL,
                    previous_hash TEXT NOT NULL
                        CONSTRAINT event_previous_hash_is_sha256_hex
                        CHECK (length(previous_hash) = 64 AND previous_hash NOT GLOB '*[^0-9a-f]*'),
                    hash TEXT NOT NULL UNIQUE
                        CONSTRAINT event_hash_is_sha256_hex
                        CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')
                ) STRICT;

                CREATE INDEX events_by_type ON events(type, seq);
                CREATE INDEX events_by_subject ON events(subject, seq);

                CREATE TABLE log_head (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_seq INTEGER NOT NULL CHECK (last_seq >= 0),
                    last_hash TEXT NOT NULL CHECK (length(last_hash) = 64 AND last_hash NOT GLOB '*[^0-9a-f]*')
                ) STRICT;
                INSERT INTO log_head (id, last_seq, last_hash)
                    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

                CREATE TRIGGER events_extend_the_head BEFORE INSERT ON events
                WHEN NEW.seq IS NOT (SELECT last_seq + 1 FROM log_head WHERE id = 1)
                    OR NEW.previous_hash IS NOT (SELECT last_hash FROM log_head WHERE id = 1)
                BEGIN
                    SELECT RAISE(ABORT, 'a new event must follow the last event of the log');
                END;

                CREATE TRIGGER events_move_the_head AFTER INSERT ON events
                BEGIN
                    UPDATE log_head SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1;
                END;

                CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                BEGIN
                    SELECT RAISE(ABORT, 'the event log is append-only');
                END;

                CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                BEGIN
                    SELECT RAISE(ABORT, 'the event log is append-only');
                END;

                CREATE TRIGGER log_head_follows_events BEFORE UPDATE ON log_head
                WHEN NEW.id IS NOT OLD.id
                    OR NEW.last_seq IS NOT OLD.last_seq + 1
                    OR NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.last_seq AND hash = NEW.last_hash)
                BEGIN
                    SELECT RAISE(ABORT, 'the log head only moves with the events');
                END;

                CREATE TRIGGER log_head_no_delete BEFORE DELETE ON log_head
                BEGIN
                    SELECT RAISE(ABORT, 'the log head cannot be removed');
                END;
                """
        )
    }

    /// API tokens, stored as the hex SHA-256 of the token, never the token itself.
    private static func v1Tokens(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE tokens (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
                    role TEXT NOT NULL CHECK (length(role) > 0),
                    token_hash TEXT NOT NULL UNIQUE
                        CONSTRAINT token_hash_is_sha256_hex
                        CHECK (length(token_hash) = 64 AND token_hash NOT GLOB '*[^0-9a-f]*'),
                    created_at INTEGER NOT NULL
                ) STRICT;
                """
        )
    }

    /// A small key-value table for facts the control plane keeps about itself.
    private static func v1Settings(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL CHECK (length(key) > 0),
                    value TEXT NOT NULL
                ) STRICT;
                """
        )
    }

    /// Users with roles per environment; tokens belong to a user and gain expiry, revocation and last use.
    ///
    /// `roles` is the user's grants as text, `ROLE` or `ROLE@ENV` separated by commas. Every token
    /// that existed before becomes the token of a user of the same name with the token's role
    /// (the first start's `admin` token becomes user `admin`'s).
    private static func v2Users(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (
                    name TEXT PRIMARY KEY NOT NULL
                        CONSTRAINT user_name_is_one_nonempty_line
                        CHECK (length(name) > 0 AND instr(name, char(10)) = 0 AND instr(name, char(13)) = 0),
                    roles TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) STRICT;

                ALTER TABLE tokens ADD COLUMN user_name TEXT;
                ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
                ALTER TABLE tokens ADD COLUMN revoked_at INTEGER;
                ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;

                INSERT OR IGNORE INTO users (name, roles, created_at) SELECT name, role, created_at FROM tokens;
                UPDATE tokens SET user_name = name;
                """
        )
    }

    /// The secrets vault: every version of every secret, sealed with AES-GCM (never in clear text).
    ///
    /// `environment` is `''` for the value every environment falls back to. Versions of a name in
    /// an environment count from 1; `sealed` is the vault's format byte, key id, nonce, ciphertext
    /// and tag, so it is never shorter than 37 bytes.
    private static func v3Secrets(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE secrets (
                    name TEXT NOT NULL
                        CONSTRAINT secret_name_is_upper_snake_case
                        CHECK (length(name) BETWEEN 1 AND 128 AND name NOT GLOB '*[^A-Z0-9_]*'
                            AND substr(name, 1, 1) NOT GLOB '[0-9]'),
                    environment TEXT NOT NULL
                        CONSTRAINT secret_environment_is_one_line
                        CHECK (length(environment) <= 128 AND instr(environment, char(10)) = 0
                            AND instr(environment, char(13)) = 0 AND instr(environment, '/') = 0),
                    version INTEGER NOT NULL CHECK (version >= 1),
                    sealed BLOB NOT NULL CHECK (length(sealed) >= 37),
                    set_at INTEGER NOT NULL,
                    set_by TEXT NOT NULL CHECK (length(set_by) > 0),
                    PRIMARY KEY (name, environment, version)
                ) STRICT;
                """
        )
    }
}
