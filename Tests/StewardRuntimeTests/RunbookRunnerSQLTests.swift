import Foundation
import Logging
import PostgresNIO
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Runbook SQL steps against a real PostgreSQL 15 started by the test.
@Suite struct RunbookRunnerSQLTests {
    let runner = RunbookStepRunner()

    /// A SELECT renders as an aligned table (NULL empty, numbers right-aligned) followed by its
    /// command tag; rows and value come from the result.
    @Test func selectRendersTable() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let result = await runner.sql(
            url: postgres.url,
            statements: ["""
                SELECT * FROM (VALUES (1, 'idle', NULL::int), (12345, 'idle in transaction', 7)) AS t(pid, state, wait)
                """],
            timeout: .seconds(10))
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.rows == 2)
        #expect(result.value == "1")
        #expect(result.output == """
              pid  |        state        | wait
            -------+---------------------+------
                 1 | idle                |
             12345 | idle in transaction |    7
            SELECT 2
            """)
    }

    /// Every cell is text whatever its type, as psql shows it.
    @Test func everyTypeAsText() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let cases: [(String, String?)] = [
            ("42::int2", "42"), ("-7::int4", "-7"), ("9000000000::int8", "9000000000"),
            ("'some text'::text", "some text"), ("'ab'::char(3)", "ab "), ("'v'::varchar", "v"), ("'n'::name", "n"),
            ("true", "t"), ("false", "f"),
            ("12.50::numeric", "12.50"), ("-0.001::numeric", "-0.001"), ("123456789.000001::numeric", "123456789.000001"),
            ("0::numeric", "0"), ("10000::numeric(10,2)", "10000.00"), ("'NaN'::numeric", "NaN"),
            ("1.5::float8", "1.5"), ("100::float4", "100"), ("'Infinity'::float8", "Infinity"),
            ("TIMESTAMP '2024-03-01 12:30:00.25'", "2024-03-01 12:30:00.25"),
            ("TIMESTAMP '1999-12-31 23:59:59'", "1999-12-31 23:59:59"),
            ("TIMESTAMPTZ '2024-03-01 12:30:00+02'", "2024-03-01 10:30:00+00"),
            ("DATE '2024-02-29'", "2024-02-29"), ("DATE '0044-03-15 BC'", "0044-03-15 BC"),
            ("'infinity'::timestamp", "infinity"),
            ("TIME '04:05:06.789'", "04:05:06.789"), ("TIMETZ '04:05:06+05:30'", "04:05:06+05:30"),
            ("INTERVAL '1 year 2 mons 3 days 04:05:06.5'", "1 year 2 mons 3 days 04:05:06.5"),
            ("INTERVAL '-1 day +02:00'", "-1 days +02:00:00"), ("INTERVAL '0'", "00:00:00"),
            ("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            ("'\\xdeadbeef'::bytea", "\\xdeadbeef"),
            (#"'{"a": 1}'::jsonb"#, #"{"a": 1}"#), (#"'{"a":1}'::json"#, #"{"a":1}"#),
            ("'127.0.0.1'::inet", "127.0.0.1"), ("'10.1.2.3/8'::inet", "10.1.2.3/8"), ("'10.0.0.0/8'::cidr", "10.0.0.0/8"),
            ("'::1'::inet", "::1"), ("'08:00:2b:01:02:03'::macaddr", "08:00:2b:01:02:03"),
            ("ARRAY[1,2,3]", "{1,2,3}"), ("ARRAY['a b', 'c', NULL]", #"{"a b",c,NULL}"#),
            ("ARRAY[[1,2],[3,4]]", "{{1,2},{3,4}}"), ("'{}'::int[]", "{}"),
            ("'pg_class'::regclass::oid", "1259"), ("NULL::int", nil), ("NULL", nil),
        ]
        for (expression, expected) in cases {
            let result = await runner.sql(url: postgres.url, statements: ["SELECT \(expression)"], timeout: .seconds(10))
            #expect(result.succeeded, "\(expression): \(result.error ?? "")")
            #expect(result.value == expected, "SELECT \(expression)")
        }
        // An enum, a type PostgreSQL defines at run time, shows its label.
        let enumeration = await runner.sql(
            url: postgres.url, statements: ["CREATE TYPE mood AS ENUM ('calm', 'paged')", "SELECT 'paged'::mood"],
            timeout: .seconds(10))
        #expect(enumeration.value == "paged", "\(enumeration.error ?? "")")
    }

    /// The guide's runbook: terminate sessions idle in a transaction. A real one, held open by a
    /// second connection, is terminated; the result says so.
    @Test func terminateIdleInTransaction() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let logger = Logger(label: "test")
        let held = try await PostgresConnection.connect(
            configuration: .init(host: "127.0.0.1", port: postgres.port, username: "postgres", password: nil,
                                 database: "postgres", tls: .disable),
            id: 1, logger: logger)
        defer { _ = held.close() as EventLoopFuture<Void> }
        _ = try await held.query("BEGIN", logger: logger)
        let heldPID = try #require(try await held.query("SELECT pg_backend_pid()", logger: logger).collect().first)
            .decode(Int.self)

        let idle = "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
        try await eventually("the held session shows as idle in transaction") {
            await runner.sql(url: postgres.url, statements: [idle], timeout: .seconds(5)).value == "1"
        }
        let result = await runner.sql(
            url: postgres.url,
            statements: ["""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()
                """],
            timeout: .seconds(10))
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.rows == 1)
        #expect(result.value == "t")
        #expect(result.output == " pg_terminate_backend\n----------------------\n t\nSELECT 1")

        try await eventually("backend \(heldPID) is gone") {
            let backend = "SELECT count(*) FROM pg_stat_activity WHERE pid = \(heldPID)"
            return await runner.sql(url: postgres.url, statements: [backend], timeout: .seconds(5)).value == "0"
        }
    }

    /// The guide's archive runbook: move old rows and count them, in one transaction.
    @Test func archiveInOneTransaction() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        try await Self.createEvents(postgres)

        let result = await runner.sql(
            url: postgres.url, statements: Self.archive + ["SELECT count(*) FROM events_archive"], timeout: .seconds(10))
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.rows == 1)
        #expect(result.value == "3")
        #expect(result.output == " count\n-------\n     3\nSELECT 1")
        #expect(await count("events", postgres) == "2")

        // One statement on its own reports its command tag and the rows it changed.
        let again = await runner.sql(url: postgres.url, statements: ["DELETE FROM events"], timeout: .seconds(10))
        #expect(again.succeeded)
        #expect(again.rows == 2)
        #expect(again.value == nil)
        #expect(again.output == "DELETE 2")
    }

    /// When the second statement fails, the first one's changes are rolled back.
    @Test func failingStatementRollsBackTheTransaction() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        try await Self.createEvents(postgres)

        let result = await runner.sql(
            url: postgres.url, statements: Self.archive + ["SELECT * FROM no_such_table"], timeout: .seconds(10))
        #expect(!result.succeeded)
        #expect(result.error?.contains(#"relation "no_such_table" does not exist"#) == true, "\(result.error ?? "")")
        #expect(result.error?.contains("in statement 2 of 2; the transaction was rolled back") == true, "\(result.error ?? "")")
        #expect(await count("events", postgres) == "5")
        #expect(await count("events_archive", postgres) == "0")
    }

    /// A statement running past the timeout is canceled by the server's statement timeout, in time.
    @Test func statementTimeout() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let started = ContinuousClock.now
        let result = await runner.sql(url: postgres.url, statements: ["SELECT pg_sleep(5)"], timeout: .seconds(1))
        #expect(!result.succeeded)
        #expect(result.error == "canceled: statement timeout after 1s", "\(result.error ?? "")")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
        try await eventually("no pg_sleep is left running") {
            let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%'"
            return await runner.sql(url: postgres.url, statements: [sleeping], timeout: .seconds(5)).value == "0"
        }
    }

    /// A wrong password fails with PostgreSQL's message, which never contains the password; the right one works.
    @Test func wrongPasswordDoesNotLeak() async throws {
        let postgres = try await PostgresServer.start(password: "right horse")
        defer { postgres.stop() }
        let right = await runner.sql(url: postgres.url, statements: ["SELECT current_user"], timeout: .seconds(10))
        #expect(right.value == "postgres", "\(right.error ?? "")")

        let wrong = await runner.sql(
            url: "postgres://postgres:battery-staple@127.0.0.1:\(postgres.port)/postgres", statements: ["SELECT 1"],
            timeout: .seconds(10))
        #expect(!wrong.succeeded)
        #expect(wrong.error?.contains(#"password authentication failed for user "postgres""#) == true, "\(wrong.error ?? "")")
        #expect(wrong.error?.contains("battery-staple") == false)
    }

    /// A timeout longer than any clock holds ("forever") counts as the longest one.
    @Test func hugeTimeoutDoesNotTrap() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let result = await runner.sql(url: postgres.url, statements: ["SHOW statement_timeout"], timeout: .seconds(Int64.max))
        // What is left of the longest timeout (7 days) when the statement starts.
        let milliseconds = try #require(Int(result.value?.dropLast(2) ?? ""), "\(result.value ?? result.error ?? "")")
        #expect((7 * 86_400_000 - 60_000)...(7 * 86_400_000) ~= milliseconds)
    }

    /// Two commands in one statement string are refused: each statement is sent on its own.
    @Test func oneCommandPerStatement() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        let result = await runner.sql(url: postgres.url, statements: ["SELECT 1; SELECT 2"], timeout: .seconds(10))
        #expect(!result.succeeded)
        let error = result.error ?? ""
        #expect(error.contains("cannot insert multiple commands into a prepared statement"), "\(error)")
    }

    /// A server that accepts connections but never speaks, and bad input, fail clearly and in time.
    @Test func unusableTargetsFail() async throws {
        let silent = try TestHTTPServer.start { _ in nil }
        defer { silent.stop() }
        let started = ContinuousClock.now
        let result = await runner.sql(
            url: "postgres://postgres@127.0.0.1:\(silent.port)/postgres", statements: ["SELECT 1"], timeout: .milliseconds(400))
        #expect(result.error?.contains("timed out after 400ms") == true, "\(result.error ?? "")")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")

        let none = await runner.sql(url: "postgres://127.0.0.1/db", statements: [], timeout: .seconds(1))
        #expect(none.error == "no SQL statement to run")
        let notPostgres = await runner.sql(url: "mysql://root:pw@127.0.0.1/db", statements: ["SELECT 1"], timeout: .seconds(1))
        #expect(notPostgres.error == "expected a postgres:// URL, found mysql://")
    }

    static let archive = ["""
        WITH moved AS (DELETE FROM events WHERE created < DATE '2024-01-01' RETURNING *)
        INSERT INTO events_archive SELECT * FROM moved
        """]

    /// `events` with 3 rows before 2024 and 2 after, and an empty `events_archive` like it.
    static func createEvents(_ postgres: PostgresServer) async throws {
        let setup = await RunbookStepRunner().sql(
            url: postgres.url,
            statements: [
                "CREATE TABLE events (id int PRIMARY KEY, created date NOT NULL)",
                "CREATE TABLE events_archive (LIKE events)",
                """
                INSERT INTO events VALUES (1, '2023-01-05'), (2, '2023-06-01'), (3, '2023-12-31'),
                                          (4, '2024-01-01'), (5, '2024-02-01')
                """,
            ],
            timeout: .seconds(10))
        try #require(setup.succeeded, "\(setup.error ?? "")")
        #expect(setup.output == "INSERT 0 5")
    }

    func count(_ table: String, _ postgres: PostgresServer) async -> String? {
        await runner.sql(url: postgres.url, statements: ["SELECT count(*) FROM \(table)"], timeout: .seconds(5)).value
    }
}
