import Foundation
import Testing

@testable import StewardCore

/// The small languages inside stack-file strings: rules, windows, references, cron, spans.
@Suite struct StackFileSyntaxTests {
    // MARK: MetricRule

    @Test func rulesParseToBaseUnits() throws {
        #expect(
            try MetricRule(parsing: "error_rate > 5% for 5m")
                == MetricRule(
                    metric: .errorRate, comparison: .greaterThan, threshold: 0.05, duration: .minutes(5),
                    source: "error_rate > 5% for 5m"))
        #expect(
            try MetricRule(parsing: "  p95 > 3s for 5m ")
                == MetricRule(
                    metric: .p95, comparison: .greaterThan, threshold: 3, duration: .minutes(5),
                    source: "p95 > 3s for 5m"))
        #expect(
            try MetricRule(parsing: "p99 > 2s for 1m min 50")
                == MetricRule(
                    metric: .p99, comparison: .greaterThan, threshold: 2, duration: .minutes(1), minimumRequests: 50,
                    source: "p99 > 2s for 1m min 50"))
        #expect(try MetricRule(parsing: "p50<=500ms for 30s").threshold == 0.5)
        #expect(try MetricRule(parsing: "p50 <= 500ms for 30s").comparison == .lessOrEqual)
        #expect(try MetricRule(parsing: "p90 >= 1.5s for 2m").threshold == 1.5)
        #expect(try MetricRule(parsing: "p90 > 1m for 2m").threshold == 60)
        #expect(try MetricRule(parsing: "error_rate > 0.1% for 10m").threshold == 0.001)
        #expect(try MetricRule(parsing: "error_rate > 0.02 for 10m").threshold == 0.02)
        #expect(try MetricRule(parsing: "request_rate < 1 for 10m min 0").minimumRequests == 0)
        #expect(try MetricRule(parsing: "request_rate < 100/s for 10m").threshold == 100)
        #expect(try MetricRule(parsing: "ERROR_RATE > 5% FOR 5m").metric == .errorRate)
        #expect(try MetricRule(parsing: "error_rate > 5% for 5m").description == "error_rate > 5% for 5m")
    }

    /// `stable [* FACTOR] [+ VALUE]` makes the limit relative to the stable release.
    @Test func relativeRulesParse() throws {
        let margin = try MetricRule(parsing: "error_rate > stable + 2% for 5m")
        #expect(margin.baselineFactor == 1)
        #expect(margin.threshold == 0.02)
        let factor = try MetricRule(parsing: "p95 > stable*1.5 for 5m min 50")
        #expect(factor.baselineFactor == 1.5)
        #expect(factor.threshold == 0)
        #expect(factor.minimumRequests == 50)
        let both = try MetricRule(parsing: "p99 >= stable * 2 + 100ms for 1m")
        #expect(both.baselineFactor == 2)
        #expect(both.threshold == 0.1)
        #expect(try MetricRule(parsing: "error_rate > stable for 5m").baselineFactor == 1)
        #expect(try MetricRule(parsing: "error_rate > 5% for 5m").baselineFactor == nil)

        func error(_ text: String) -> MetricRule.ParseError? {
            do {
                _ = try MetricRule(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("p95 > stable * fast for 5m") == .init(found: "fast", expected: "a factor such as 1.5"))
        #expect(
            error("error_rate > stable + 3s for 5m")
                == .init(found: "3s", expected: "a percentage such as 5% (or a fraction such as 0.05)"))
        #expect(
            error("error_rate > stable - 1% for 5m")
                == .init(found: "-", expected: "'for' and how long the condition must hold, such as 'for 5m'"))
    }

    @Test func badRulesSayWhatWasFoundAndExpected() {
        func error(_ text: String) -> MetricRule.ParseError? {
            do {
                _ = try MetricRule(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(
            error("error_rat > 5% for 5m")
                == .init(found: "error_rat", expected: "a metric: error_rate, p50, p90, p95, p99, request_rate"))
        #expect(error("p95 = 3s for 5m") == .init(found: "=", expected: "a comparison: >, >=, < or <="))
        #expect(error("p95 > 3 for 5m") == .init(found: "3", expected: "a latency such as 3s or 500ms"))
        #expect(
            error("error_rate > 3s for 5m")
                == .init(found: "3s", expected: "a percentage such as 5% (or a fraction such as 0.05)"))
        #expect(
            error("error_rate > 150% for 5m")
                == .init(found: "150%", expected: "a percentage such as 5% (or a fraction such as 0.05)"))
        #expect(
            error("error_rate > 5% over 5m")
                == .init(found: "over", expected: "'for' and how long the condition must hold, such as 'for 5m'"))
        #expect(error("error_rate > 5% for soon") == .init(found: "soon", expected: "a time span such as 5m or 30s"))
        #expect(
            error("error_rate > 5% for 5m max 3")
                == .init(found: "max", expected: "the end of the rule or 'min N' (the fewest requests that decide)"))
        #expect(error("error_rate > 5% for 5m min 3 x") == .init(found: "x", expected: "the end of the rule"))
        #expect(
            error("error_rate > 5%")?.description
                == "the rule ends early; expected 'for' and how long the condition must hold, such as 'for 5m'")
        #expect(error("")?.found == "")
        #expect(error("p95 > nan for 5m")?.found == "nan")
    }

    // MARK: DeploymentWindow

    @Test func windowsParseToISOWeekdaysAndMinutes() throws {
        #expect(
            try DeploymentWindow(parsing: "Sun 02:00-06:00 UTC")
                == DeploymentWindow(
                    weekdays: [7], startMinute: 120, endMinute: 360, timeZone: "UTC", source: "Sun 02:00-06:00 UTC"))
        let overnight = try DeploymentWindow(parsing: "Mon-Fri 22:00-02:00 Europe/London")
        #expect(overnight.weekdays == [1, 2, 3, 4, 5])
        #expect(overnight.startMinute == 22 * 60 && overnight.endMinute == 120)
        #expect(overnight.timeZone == "Europe/London")
        #expect(try DeploymentWindow(parsing: "Sat,Sun 00:00-23:59 UTC").weekdays == [6, 7])
        #expect(try DeploymentWindow(parsing: "Fri-Mon 9:30-17:00 America/New_York").weekdays == [1, 5, 6, 7])
        #expect(try DeploymentWindow(parsing: "monday,wednesday-thursday 08:00-09:00 UTC").weekdays == [1, 3, 4])
        #expect(try DeploymentWindow(parsing: "daily 00:00-24:00 UTC").weekdays == Array(1...7))
        #expect(try DeploymentWindow(parsing: "Sat, Sun 01:00-02:00 UTC").source == "Sat, Sun 01:00-02:00 UTC")
    }

    @Test func badWindowsSayWhatWasFoundAndExpected() {
        func error(_ text: String) -> DeploymentWindow.ParseError? {
            do {
                _ = try DeploymentWindow(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(
            error("Sun 02:00-06:00 Mars/Base")
                == .init(found: "Mars/Base", expected: "a time zone such as UTC or Europe/London"))
        #expect(error("Sun 02:00-06:00") == .init(found: "", expected: "a time zone such as UTC or Europe/London"))
        #expect(error("Sunday") == .init(found: "", expected: "opening and closing times such as 02:00-06:00"))
        #expect(
            error("Sn 02:00-06:00 UTC") == .init(found: "Sn", expected: "days such as Sun, Mon-Fri, Sat,Sun or daily"))
        #expect(error("Mon- 02:00-06:00 UTC")?.found == "Mon-")
        #expect(error("Sun 02:00-24:01 UTC")?.found == "02:00-24:01")
        #expect(error("Sun 24:00-02:00 UTC")?.found == "24:00-02:00")
        #expect(error("Sun 2:0-06:00 UTC")?.found == "2:0-06:00")
        #expect(
            error("Sun 06:00-06:00 UTC")
                == .init(found: "06:00-06:00", expected: "a closing time different from the opening time"))
        #expect(
            error("Sun 02:00-06:00 UTC extra")
                == .init(found: "extra", expected: "the end of the window after the time zone"))
        #expect(
            error("02:00-06:00 UTC")
                == .init(found: "02:00-06:00", expected: "days such as Sun, Mon-Fri, Sat,Sun or daily"))
    }

    // MARK: Interpolation

    @Test func referencesAreFoundInOrder() throws {
        #expect(
            try Interpolation.references(
                in:
                    "${port} ${version} ${service} ${environment} ${instance} ${secret:DB_PASS_2} ${dependencies.db.url} ${services.web-1.port}"
            ) == [
                .port, .version, .service, .environment, .instance, .secret(name: "DB_PASS_2"),
                .dependencyURL(dependency: "db"), .servicePort(service: "web-1"),
            ])
        #expect(try Interpolation.references(in: "no references, $HOME, $$ and a trailing $").isEmpty)
        #expect(try Interpolation.references(in: "$${port} is literal") == [])
        #expect(Interpolation.Reference.secret(name: "X").description == "${secret:X}")
    }

    @Test func resolveReplacesReferencesAndUnescapesDollars() throws {
        let resolved = try Interpolation.resolve(
            "http://127.0.0.1:${port}/v${version}?cost=$$5&home=$HOME&db=${dependencies.db.url}&lit=$${port}"
        ) { reference in
            switch reference {
            case .port: return "8080"
            case .version: return "1.4.2"
            case .dependencyURL(let name): return "postgres://\(name)"
            default: return "?"
            }
        }
        #expect(resolved == "http://127.0.0.1:8080/v1.4.2?cost=$5&home=$HOME&db=postgres://db&lit=${port}")

        struct Missing: Error {}
        #expect(throws: Missing.self) { try Interpolation.resolve("${secret:X}") { _ in throw Missing() } }
        #expect(throws: Interpolation.ParseError.self) { try Interpolation.resolve("${nope}") { _ in "" } }
    }

    @Test func malformedReferencesAreTypedErrors() {
        func error(_ text: String) -> Interpolation.ParseError? {
            do {
                _ = try Interpolation.references(in: text)
                return nil
            } catch {
                return error
            }
        }
        #expect(
            error("a ${port")
                == .init(kind: .unterminated, reference: "${port", expected: "'}' to close it, or $$ for a literal $"))
        #expect(error("${prot}")?.kind == .unknown)
        #expect(error("${}")?.reference == "${}")
        #expect(error("${PORT}")?.kind == .unknown)
        #expect(error("${secret:}")?.kind == .invalidName)
        #expect(error("${secret:lower}")?.kind == .invalidName)
        #expect(error("${dependencies.Db.url}")?.kind == .invalidName)
        #expect(error("${dependencies.db.host}")?.kind == .unknown)
        #expect(error("${services..port}")?.kind == .invalidName)
        #expect(
            error("${x}")?.description
                == "unknown reference '${x}'; expected one of ${port}, ${version}, ${service}, ${environment}, ${instance}, ${secret:NAME}, ${dependencies.NAME.url}, ${services.NAME.port}"
        )
    }

    // MARK: Cron, suggestions, spans

    @Test func cronExpressions() {
        for valid in [
            "0 2 * * *", "*/15 * * * *", "0 0 1 1 *", "30 4 1-15/2 JAN-jun,DEC MON-FRI", "0 0 * * 0,7", "@daily",
            "@Weekly",
            "5,10,15 0-23/6 * * sun",
        ] {
            #expect(StackFile.Cron.problem(in: valid) == nil, "\(valid)")
        }
        #expect(StackFile.Cron.problem(in: "0 25 * * *") == "the hour '25' is not 0-23, a range or a step")
        #expect(StackFile.Cron.problem(in: "0 2 * *") == "it has 4 fields")
        #expect(StackFile.Cron.problem(in: "0 2 * * * *") == "it has 6 fields")
        #expect(StackFile.Cron.problem(in: "0 5-2 * * *") == "the hour range '5-2' runs backwards")
        #expect(StackFile.Cron.problem(in: "*/0 * * * *") == "the minute step '/0' is not 1-60")
        #expect(
            StackFile.Cron.problem(in: "0 0 * FOO *") == "the month 'FOO' is not 1-12 or JAN-DEC, a range or a step")
        #expect(StackFile.Cron.problem(in: "0 0 0 * *") == "the day of month '0' is not 1-31, a range or a step")
        #expect(
            StackFile.Cron.problem(in: "0 0 * * 8") == "the day of week '8' is not 0-7 or SUN-SAT, a range or a step")
        #expect(StackFile.Cron.problem(in: "@often") != nil)
        #expect(StackFile.Cron.problem(in: "1,,2 * * * *") != nil)
    }

    @Test func suggestionsAreCloseAndBounded() {
        let keys = StackFile.Schema.service
        #expect(StackFile.suggestion(for: "comand", among: keys) == "command")
        #expect(StackFile.suggestion(for: "prot", among: keys) == "port")
        #expect(StackFile.suggestion(for: "depends_on", among: keys) == "dependsOn")
        #expect(StackFile.suggestion(for: "WorkingDirectory", among: keys) == "workingDirectory")
        #expect(StackFile.suggestion(for: "colour", among: keys) == nil)
        #expect(StackFile.suggestion(for: "", among: keys) == nil)
        #expect(StackFile.suggestion(for: String(repeating: "x", count: 10_000), among: keys) == nil)
        #expect(StackFile.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
        #expect(StackFile.editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
    }

    @Test func hugeSpansAreRejectedInsteadOfOverflowing() {
        #expect(TimeSpan(parsing: "9999999999999999d") == nil)
        #expect(TimeSpan(parsing: "9223372036854775807ms1ms") == nil)
        #expect(TimeSpan(parsing: "1h30m") == TimeSpan.minutes(90))
    }

    @Test func longAndControlCharactersStayOnOneLine() {
        let error = StackFileError(
            file: "f.yaml", line: 0, column: -3, key: "a\nb", context: nil,
            problem: .invalidValue(
                found: String(repeating: "x", count: 100) + "\n", expected: "y", reason: nil, suggestion: nil))
        #expect(error.line == 1 && error.column == 1)
        #expect(
            error.description
                == "f.yaml:1:1: invalid value '\(String(repeating: "x", count: 80))…' for 'a\\nb'; expected y")
    }
}
