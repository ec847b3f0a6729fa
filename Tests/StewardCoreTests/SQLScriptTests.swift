import StewardCore
import Testing

/// Splitting a SQL file into statements the way PostgreSQL reads it. Pure.
@Suite struct SQLScriptTests {
    /// Plain statements split on `;`; blank and comment-only pieces vanish.
    @Test func splitsOnSemicolons() {
        let text = """
            -- items
            CREATE TABLE items (id int);
            ;
            INSERT INTO items VALUES (1);  /* trailing */
            -- only a comment;
            """
        #expect(SQLScript.statements(text) == ["-- items\nCREATE TABLE items (id int)", "INSERT INTO items VALUES (1)"])
    }

    /// A `;` inside strings, identifiers, dollar quotes and comments ends nothing.
    @Test func semicolonsInsideQuotesDoNotSplit() {
        let text = #"""
            INSERT INTO t VALUES ('a;b', 'it''s;', E'\';x');
            CREATE TABLE "we;ird" (id int);
            CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT 1 /* a; /* nested; */ still; */ + 1;
            SELECT 2 -- c; c
            """#
        let statements = SQLScript.statements(text)
        #expect(statements.count == 6, "\(statements)")
        #expect(statements[0] == #"INSERT INTO t VALUES ('a;b', 'it''s;', E'\';x')"#)
        #expect(statements[2].hasSuffix("END; $$ LANGUAGE plpgsql"))
        #expect(statements[3] == "DO $body$ BEGIN PERFORM 1; END $body$")
        #expect(statements[5] == "SELECT 2 -- c; c")
    }

    /// BEGIN, COMMIT and friends are recognised (a migration must not control its transaction); DO blocks are not.
    @Test func transactionControlIsRecognised() {
        for statement in ["BEGIN", "commit", "ROLLBACK", "START TRANSACTION", "end", "-- x\nCOMMIT", "SAVEPOINT a"] {
            #expect(SQLScript.controlsTransaction(statement), "\(statement)")
        }
        for statement in ["DO $$ BEGIN END $$", "CREATE TABLE begin_x (id int)", "SELECT 1", "STARTUP"] {
            #expect(!SQLScript.controlsTransaction(statement), "\(statement)")
        }
    }
}
