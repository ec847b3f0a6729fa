import Foundation
import Testing

@testable import StewardCore

/// Property tests: whatever the input, the parser returns (never crashes), and every error it
/// returns has a real position and a one-line description.
///
/// Both tests are seeded (SplitMix64) so a failure is reproducible: the failing seed and
/// input are recorded in the issue.
@Suite struct StackFilePropertyTests {
    // MARK: (a) mutations of the example documents

    /// 750 seeded mutation rounds per example (3,000 in all), each applying 1–4 mutations.
    @Test(arguments: ["auterity.yaml", "data-aggregator.yaml", "loan-management.yaml", "smartunderwrite.yaml"])
    func mutatedExamplesNeverCrashAndAlwaysPositionErrors(example: String) async throws {
        let original = try String(
            contentsOf: StackFileExamplesTests.examplesDirectory.appendingPathComponent(example), encoding: .utf8)
        let fileSeed = UInt64(example.unicodeScalars.reduce(0) { $0 &* 31 &+ Int($1.value) } & 0xFFFF)
        var failures = 0
        var rejected = 0
        for iteration in 0..<750 {
            // CPU-heavy: let other tests run on the (small) cooperative pool meanwhile.
            await Task.yield()
            let seed = fileSeed << 32 | UInt64(iteration)
            var random = SplitMix64(seed: seed)
            var text = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                text = Mutation.apply(to: text, using: &random)
            }
            let (problem, result) = Invariants.check(text, checkPurity: iteration % 10 == 0)
            if case .failure = result { rejected += 1 }
            if let problem {
                failures += 1
                if failures <= 5 {
                    Issue.record("seed \(seed) (\(example)): \(problem)\n--- input ---\n\(text.prefix(2_000))")
                }
            }
        }
        #expect(failures == 0)
        // Most mutations break something; the invariants were checked on real error lists.
        #expect(rejected > 300)
    }

    // MARK: (b) random YAML-ish documents

    @Test func randomDocumentsNeverCrashAndAlwaysPositionErrors() async {
        var failures = 0
        var parsedWithoutErrors = 0
        for iteration in 0..<1_000 {
            await Task.yield()
            let seed = UInt64(0xD0C_0000 + iteration)
            var random = SplitMix64(seed: seed)
            let document = Generator.document(using: &random)
            let text = Renderer.render(document, using: &random)
            let (problem, result) = Invariants.check(text, checkPurity: iteration % 10 == 0)
            if case .success = result { parsedWithoutErrors += 1 }
            if let problem {
                failures += 1
                if failures <= 5 { Issue.record("seed \(seed): \(problem)\n--- input ---\n\(text.prefix(2_000))") }
            }
        }
        #expect(failures == 0)
        // Random documents are nearly always wrong somewhere; the point is that they reach deep sections.
        #expect(parsedWithoutErrors < 1_000)
    }

    /// Thousands of mistakes (each with a suggestion search) are all reported: suggestions have a
    /// budget, name lookups are hashed (the speed itself belongs in a benchmark, not here).
    @Test func aLargeFileWithThousandsOfMistakesIsReportedQuickly() {
        var text = "stack: big\nservices:\n"
        let count = 2_000
        for i in 0..<count {
            text += "  svc-\(i):\n    comand: /bin/x\n    command: /bin/x --db ${dependencies.db\(i).url}\n"
            text += "    dependsOn: [svc-\(i + 1)x]\n"
        }
        let result = StackFile.parse(text, file: "big.yaml")
        guard case .failure(let errors) = result else {
            Issue.record("expected errors")
            return
        }
        #expect(errors.errors.count == 3 * count)
        #expect(
            errors.errors.first?.description.hasPrefix("big.yaml:4:5: unknown key 'comand' in service 'svc-0'") == true)
    }

    @Test func generatorAndMutationsAreDeterministic() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = SplitMix64(seed: 7)
        var d = SplitMix64(seed: 7)
        #expect(
            Renderer.render(Generator.document(using: &c), using: &c)
                == Renderer.render(Generator.document(using: &d), using: &d))
    }
}

// MARK: - Invariants

private enum Invariants {
    /// Nil when the parse of `text` satisfies every invariant; otherwise what broke.
    static func check(_ text: String, checkPurity: Bool) -> (String?, Result<StackSpec, StackFileErrors>) {
        let result = StackFile.parse(text, file: "fuzz.yaml")
        return (problem(text, result, checkPurity: checkPurity), result)
    }

    private static func problem(_ text: String, _ first: Result<StackSpec, StackFileErrors>, checkPurity: Bool)
        -> String?
    {
        guard case .failure(let errors) = first else { return nil }
        if errors.errors.isEmpty { return "a failure without errors" }
        let lines = lineCount(text)
        var previous: (Int, Int) = (0, 0)
        for error in errors.errors {
            if error.line < 1 || error.column < 1 { return "error without a position: \(error)" }
            if error.line > lines + 1 { return "error past the end (\(lines) lines): \(error)" }
            let description = error.description
            if description.isEmpty || error.message.isEmpty { return "empty description: \(error)" }
            if description.contains("\n") || description.contains("\r") {
                return "description on several lines: \(description.debugDescription)"
            }
            if !description.hasPrefix("fuzz.yaml:\(error.line):\(error.column): ") {
                return "description without its position: \(description)"
            }
            if (error.line, error.column) < previous { return "errors not sorted at \(description)" }
            previous = (error.line, error.column)
        }
        if errors.description.split(separator: "\n", omittingEmptySubsequences: false).count != errors.errors.count {
            return "StackFileErrors.description is not one line per error"
        }
        // Pure: the same input gives the same answer.
        if checkPurity, StackFile.parse(text, file: "fuzz.yaml") != first {
            return "two parses of the same text differ"
        }
        return nil
    }

    /// Lines as the YAML scanner counts them.
    static func lineCount(_ text: String) -> Int {
        var count = 1
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n":
                if !previousWasCR { count += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}":
                count += 1
            default:
                break
            }
            previousWasCR = scalar == "\r"
        }
        return count
    }
}

// MARK: - Seeded randomness

/// SplitMix64: small, fast and fully determined by its seed.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Mutations

private enum Mutation {
    static let tokens = [
        ":", ": ", "- ", "{", "}", "[", "]", ",", "#", "&a ", "*a", "!!str ", "!!int ", "\"", "'", "|", ">", "?", "? ",
        "${", "}", "$$", "${port}", "${prot}", "${secret:lower}", "${dependencies.db.url}", "${services.nope.port}",
        "\t", "\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{1}", "\u{7F}", "---\n", "...\n", "~", "null",
        "true", "0x1F", "99999999999999999999", "-1", "1e999", "0", "é", "🙂", "\u{E000}", "<<: *a\n", "command: ",
        "port: 70000", "tcp: true", "http:", "weight: 10", "pause: manual", "error_rate > 5% for 5m",
        "Sun 02:00-06:00 UTC",
        "9999999999999999999d", "5m", "  ", "    ", "\\", "%", "@", "`",
    ]

    static func apply(to text: String, using random: inout SplitMix64) -> String {
        var characters = Array(text)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func characterIndex() -> Int { characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random) }
        func lineIndex() -> Int { lines.isEmpty ? 0 : Int.random(in: 0..<lines.count, using: &random) }

        switch Int.random(in: 0..<10, using: &random) {
        case 0 where !characters.isEmpty:  // delete a character
            characters.remove(at: characterIndex())
            return String(characters)
        case 1 where !characters.isEmpty:  // duplicate a character
            let i = characterIndex()
            characters.insert(characters[i], at: i)
            return String(characters)
        case 2 where characters.count > 1:  // swap neighbouring characters
            let i = Int.random(in: 0..<(characters.count - 1), using: &random)
            characters.swapAt(i, i + 1)
            return String(characters)
        case 3 where !lines.isEmpty:  // delete a line
            lines.remove(at: lineIndex())
        case 4 where !lines.isEmpty:  // duplicate a line
            let i = lineIndex()
            lines.insert(lines[i], at: i)
        case 5 where lines.count > 1:  // swap two lines
            lines.swapAt(lineIndex(), lineIndex())
        case 6 where !lines.isEmpty:  // change indentation
            let i = lineIndex()
            let change = Int.random(in: -4...4, using: &random)
            if change > 0 {
                lines[i] = String(repeating: " ", count: change) + lines[i]
            } else if change < 0 {
                let leading = lines[i].prefix(while: { $0 == " " }).count
                lines[i] = String(lines[i].dropFirst(min(-change, leading)))
            } else {
                lines[i] = "\t" + lines[i]
            }
        case 7, 8:  // insert a token
            let token = tokens[Int.random(in: 0..<tokens.count, using: &random)]
            characters.insert(
                contentsOf: token, at: characters.isEmpty ? 0 : Int.random(in: 0...characters.count, using: &random))
            return String(characters)
        default:  // truncate
            return String(
                characters.prefix(characters.isEmpty ? 0 : Int.random(in: 0..<characters.count, using: &random)))
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Random documents

private indirect enum Tree {
    case map([(String, Tree)])
    case list([Tree])
    case scalar(String)
}

/// Random documents that mostly follow the schema (so they reach deep sections), with unknown
/// keys, wrong shapes and odd scalars mixed in.
private enum Generator {
    typealias Schema = StackFile.Schema

    indirect enum Shape {
        case keys([String])  // a mapping with some of these keys
        case named(Shape)  // a mapping of names to this shape
        case items(Shape)  // a list of this shape
        case scalars  // a mapping of names to scalars
        case scalar
    }

    static func child(of key: String, in keys: [String]) -> Shape {
        switch (key, keys) {
        case ("dependencies", Schema.topLevel): return .named(.keys(Schema.dependency))
        case ("services", Schema.topLevel): return .named(.keys(Schema.service))
        case ("environments", Schema.topLevel): return .named(.keys(Schema.environment))
        case ("slos", _): return .items(.keys(Schema.slo))
        case ("backups", _): return .items(.keys(Schema.backup))
        case ("physical", Schema.backup): return .keys(Schema.physicalBackup)
        case ("alerts", _): return .items(.keys(Schema.alert))
        case ("runbooks", _): return .items(.keys(Schema.runbook))
        case ("incidents", _): return .keys(Schema.incidents)
        case ("recovery", _): return .keys(Schema.recovery)
        case ("mirrors", _): return .items(.keys(Schema.mirror))
        case ("liveness", _), ("readiness", _): return .keys(Schema.probe)
        case ("http", Schema.probe): return .keys(Schema.httpCheck)
        case ("tcp", Schema.probe): return .keys(Schema.tcpCheck)
        case ("restart", _): return .keys(Schema.restart)
        case ("deploy", _): return .keys(Schema.deploy)
        case ("logs", _): return .keys(Schema.logs)
        case ("canary", _): return .keys(Schema.canary)
        case ("steps", Schema.canary): return .items(.keys(Schema.canaryStep))
        case ("steps", Schema.runbook): return .items(.keys(Schema.runbookStep))
        case ("escalation", _): return .items(.keys(Schema.escalationLevel))
        case ("latency", _): return .keys(Schema.latency)
        case ("backupRetention", _), ("retention", _): return .keys(Schema.retention)
        case ("env", _), ("instances", Schema.environment), ("expectJSON", _), ("headers", _), ("labels", _),
            ("channels", _), ("responseTargets", _):
            return .scalars
        case ("args", _), ("dependsOn", _), ("smoke", _), ("preDeploy", _), ("postDeploy", _), ("migrate", _), ("rollback", _),
            ("analysis", _), ("requiredEnv", _), ("inhibits", _), ("environments", Schema.runbook),
            ("integrityQueries", _), ("notify", _), ("exec", _):
            return .items(.scalar)
        default: return .scalar
        }
    }

    static let names = ["api", "web", "db", "cache", "worker", "staging", "production", "P0", "P1", "Api", "a_b", "9x"]
    static let unknownKeys = ["comand", "prot", "depends_on", "x", "", "Command", "<<", "timeout ", "ürl"]
    static let scalars = [
        "1", "0", "-1", "70000", "8080", "true", "false", "yes", "~", "", "10s", "5m", "0", "99.9", "0.1", "30d",
        "/healthz", "healthz", "postgres://db/x", "redis://c", "http://x", "s3://b", "memcache://x", "mailto:a@b",
        "${port}", "${prot}", "${dependencies.db.url}", "${services.api.port}", "${secret:TOKEN}", "${secret:bad}",
        "${port", "$$", "error_rate > 5% for 5m", "p95 > 3s for 5m min 50", "p95 > 3 for 5m", "Sun 02:00-06:00 UTC",
        "Mon-Fri 22:00-02:00 Europe/London", "Sun 02:00-06:00 Mars/Base", "0 2 * * *", "0 25 * * *", "@daily",
        "rolling", "canary", "blue-green", "always", "on-failure", "manual", "P0", "P3", "P9", "200-299", "2xx", "10MB",
        "10XB", "/bin/api --port ${port}", "api", "db", "staging", "production", "a b c", "#x", "key: value", "- x",
        "{", "\"quoted\"", "'single'", "tab\there", "line\nbreak", "é🙂", "\u{1}",
    ]

    static func document(using random: inout SplitMix64) -> Tree {
        node(.keys(Schema.topLevel), depth: 0, using: &random)
    }

    static func pick<T>(_ values: [T], using random: inout SplitMix64) -> T {
        values[Int.random(in: 0..<values.count, using: &random)]
    }

    static func node(_ shape: Shape, depth: Int, using random: inout SplitMix64) -> Tree {
        // Sometimes the wrong shape altogether.
        if depth > 0, Int.random(in: 0..<12, using: &random) == 0 { return wild(depth: depth, using: &random) }
        switch shape {
        case .keys(let keys):
            var pairs: [(String, Tree)] = []
            for _ in 0..<Int.random(in: 0...min(6, keys.count + 1), using: &random) {
                if Int.random(in: 0..<8, using: &random) == 0 {
                    pairs.append((pick(unknownKeys, using: &random), wild(depth: depth + 1, using: &random)))
                } else {
                    let key = pick(keys, using: &random)
                    pairs.append((key, node(child(of: key, in: keys), depth: depth + 1, using: &random)))
                }
            }
            return .map(pairs)
        case .named(let inner):
            return .map(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    (pick(names, using: &random), node(inner, depth: depth + 1, using: &random))
                })
        case .items(let inner):
            return .list(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in node(inner, depth: depth + 1, using: &random) })
        case .scalars:
            return .map(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    (pick(names + unknownKeys, using: &random), .scalar(pick(scalars, using: &random)))
                })
        case .scalar:
            return .scalar(pick(scalars, using: &random))
        }
    }

    static func wild(depth: Int, using random: inout SplitMix64) -> Tree {
        switch depth > 4 ? 2 : Int.random(in: 0..<3, using: &random) {
        case 0:
            return .map(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    (pick(unknownKeys + names, using: &random), wild(depth: depth + 1, using: &random))
                })
        case 1:
            return .list(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in wild(depth: depth + 1, using: &random) })
        default:
            return .scalar(pick(scalars, using: &random))
        }
    }
}

/// Renders a tree as YAML: block style with some flow collections, scalars plain when safe.
private enum Renderer {
    static func render(_ tree: Tree, using random: inout SplitMix64) -> String {
        var out = ""
        block(tree, indent: 0, into: &out, using: &random)
        return out
    }

    static func scalar(_ text: String) -> String {
        let plainSafe =
            !text.isEmpty && text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
            && !text.contains(": ") && !text.contains(" #") && !"-?:,[]{}#&*!|>'\"%@`~ ".contains(text.first!)
            && !text.hasSuffix(":") && !text.hasSuffix(" ") && !text.contains("{") && !text.contains("}")
            && !text.contains("[") && !text.contains("]") && !text.contains(",")
        if plainSafe { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += String(format: "\\x%02X", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    static func flow(_ tree: Tree) -> String {
        switch tree {
        case .scalar(let text): return scalar(text)
        case .list(let items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case .map(let pairs): return "{" + pairs.map { "\(scalar($0.0)): \(flow($0.1))" }.joined(separator: ", ") + "}"
        }
    }

    static func block(_ tree: Tree, indent: Int, into out: inout String, using random: inout SplitMix64) {
        let pad = String(repeating: " ", count: indent)
        switch tree {
        case .scalar:
            out += pad + flow(tree) + "\n"
        case .list(let items):
            if items.isEmpty || Int.random(in: 0..<4, using: &random) == 0 {
                out += pad + flow(tree) + "\n"
                return
            }
            for item in items {
                switch item {
                case .scalar:
                    out += pad + "- " + flow(item) + "\n"
                default:
                    out += pad + "-\n"
                    block(item, indent: indent + 2, into: &out, using: &random)
                }
            }
        case .map(let pairs):
            if pairs.isEmpty || Int.random(in: 0..<5, using: &random) == 0 {
                out += pad + flow(tree) + "\n"
                return
            }
            for (key, value) in pairs {
                switch value {
                case .scalar:
                    out += pad + scalar(key) + ": " + flow(value) + "\n"
                default:
                    out += pad + scalar(key) + ":\n"
                    block(value, indent: indent + 2, into: &out, using: &random)
                }
            }
        }
    }
}
