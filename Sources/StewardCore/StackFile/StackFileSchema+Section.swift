/// The sections of `steward.yaml` by name, so a key can be named as (section, key).
///
/// A mapping reader reads one section; warnings and the enforcement list (`EnforcedKeys.swift`)
/// name keys by their section, because the same section appears in several places (a probe
/// under `liveness` and under `readiness`, a retention under an environment and a backup).
extension StackFile.Schema {
    enum Section: String, CaseIterable, Sendable {
        case topLevel = "top level"
        case dependency, service, probe, httpCheck, tcpCheck, restart, logs, deploy, canary, canaryStep
        case environment, retention, slo, latency, backup, physicalBackup, alert, runbook, runbookStep, incidents, escalationLevel
        case runbookHTTP, runbookSQL, runbookRedis, runbookScale
        case recovery
        case mirror

        /// The keys this section takes, in documentation order.
        var keys: [String] {
            switch self {
            case .topLevel: return StackFile.Schema.topLevel
            case .dependency: return StackFile.Schema.dependency
            case .service: return StackFile.Schema.service
            case .probe: return StackFile.Schema.probe
            case .httpCheck: return StackFile.Schema.httpCheck
            case .tcpCheck: return StackFile.Schema.tcpCheck
            case .restart: return StackFile.Schema.restart
            case .logs: return StackFile.Schema.logs
            case .deploy: return StackFile.Schema.deploy
            case .canary: return StackFile.Schema.canary
            case .canaryStep: return StackFile.Schema.canaryStep
            case .environment: return StackFile.Schema.environment
            case .retention: return StackFile.Schema.retention
            case .slo: return StackFile.Schema.slo
            case .latency: return StackFile.Schema.latency
            case .backup: return StackFile.Schema.backup
            case .physicalBackup: return StackFile.Schema.physicalBackup
            case .alert: return StackFile.Schema.alert
            case .runbook: return StackFile.Schema.runbook
            case .runbookStep: return StackFile.Schema.runbookStep
            case .runbookHTTP: return StackFile.Schema.runbookHTTP
            case .runbookSQL: return StackFile.Schema.runbookSQL
            case .runbookRedis: return StackFile.Schema.runbookRedis
            case .runbookScale: return StackFile.Schema.runbookScale
            case .incidents: return StackFile.Schema.incidents
            case .escalationLevel: return StackFile.Schema.escalationLevel
            case .recovery: return StackFile.Schema.recovery
            case .mirror: return StackFile.Schema.mirror
            }
        }
    }

    /// One key of one section, such as (deploy, strategy).
    struct Key: Hashable, Sendable, CustomStringConvertible {
        var section: Section
        var name: String

        init(_ section: Section, _ name: String) {
            self.section = section
            self.name = name
        }

        var description: String { "\(section.rawValue).\(name)" }
    }

    /// Every key of every section.
    static var allKeys: [Key] { Section.allCases.flatMap { section in section.keys.map { Key(section, $0) } } }
}
