import Foundation
import Logging
import StewardCore
import StewardRuntime

/// What a deployment's pre-deployment checklist checks and runs, resolved before it runs.
struct ChecklistPlan: Sendable {
    /// Items already failed while resolving (a required variable that is not set…).
    var failures: [String]
    /// Dependencies to reach: name, kind, check.
    var dependencies: [(name: String, check: ProbeSpec.Check, target: ProbeTarget)]
    /// `beforeDeploy` backups to take (and verify, as their entry says) once the dependencies answered.
    var backups: [(spec: BackupSpec, url: String)]
    /// `deploy.migrate` databases whose pending migrations are applied once the backups were taken.
    var migrations: [ChecklistMigration]
    /// `deploy.preDeploy` commands, run in order once everything else passed.
    var commands: [[String]]
    /// The stack environment deployed to.
    var stackEnvironment: String
    /// Who asked for the deployment: the backups it takes are theirs.
    var actor: String
    /// The new instances' environment (resolved: secrets included), for the commands.
    var environment: [String: String]
    var workingDirectory: String
    /// The resolved secrets and passwords in ``environment``: hidden from every failure reported.
    var mask: SecretMask
}

extension ControlPlane {
    /// The longest one `preDeploy` command may run.
    static var preDeployTimeout: Duration { .seconds(600) }

    /// Whether a release's deployment runs the checklist: it declares something to check or run.
    func needsChecklist(_ release: Release) -> Bool {
        guard let stack = state.stack else { return false }
        let requiredEnv = stack.environment(named: release.environment)?.requiredEnv ?? []
        return !requiredEnv.isEmpty || !release.spec.deploy.preDeploy.isEmpty || !release.spec.deploy.migrate.isEmpty
            || stack.dependencies.contains(where: \.required) || !backupsBeforeDeploying(release).isEmpty
    }

    /// Runs the pre-deployment checklist of a deployment and feeds every failed item at once:
    /// required variables set, required dependencies reachable, then the `beforeDeploy` backups
    /// of the databases the service uses, then the pending migrations of its `deploy.migrate`
    /// databases, then the `preDeploy` commands (each stage only when everything before passed:
    /// a migration never runs against a database that cannot be reached or was not backed up).
    /// Nothing has started; a failure fails the deployment.
    nonisolated func runChecklist(deployment id: Int) async {
        guard let plan = await checklistPlan(id) else { return }
        var failures = plan.failures
        var items: [String] = []
        for dependency in plan.dependencies {
            let result = await prober.run(dependency.check, target: dependency.target, timeout: .seconds(3))
            if !result.ok { failures.append("dependency \(dependency.name) is not reachable: \(result.message)") }
        }
        // The verified backup of each database, which stands for the one a migration of it would take.
        var verifiedBackups: [String: String] = [:]
        if failures.isEmpty {
            for (spec, url) in plan.backups {
                // A database migrated next where backupBeforeMigrate holds gets this backup verified:
                // one backup serves both rules.
                let verify =
                    spec.verify || plan.migrations.contains { $0.dependency == spec.dependency && $0.backupFirst }
                do {
                    let backup = try await takeBackupFirst(
                        dependency: spec.dependency, environment: plan.stackEnvironment, url: url,
                        deployment: String(id), verify: verify, queries: spec.integrityQueries, actor: plan.actor)
                    if verify { verifiedBackups[spec.dependency] = backup }
                } catch {
                    failures.append("the backup of \(spec.dependency) before deploying \(error.description)")
                    break
                }
            }
        }
        if failures.isEmpty {
            for migration in plan.migrations {
                let report = await migrateBeforeDeploying(
                    migration, deployment: id, environment: plan.stackEnvironment,
                    backup: verifiedBackups[migration.dependency], actor: plan.actor)
                items += report.items
                if let failure = report.failure {
                    failures.append(failure)
                    break
                }
            }
        }
        if failures.isEmpty {
            for command in plan.commands {
                let result = await runbookRunner.command(
                    command, environment: plan.environment, workingDirectory: plan.workingDirectory,
                    timeout: Self.preDeployTimeout)
                guard result.succeeded else {
                    let output = result.output.split(separator: "\n").suffix(3).joined(separator: " | ")
                    failures.append(
                        "preDeploy `\(command.joined(separator: " "))`: \(result.error ?? "failed")"
                            + (output.isEmpty ? "" : "; output: \(output)"))
                    break
                }
            }
        }
        await handle(
            id, .checked(failures: failures.map(plan.mask.apply), items: items.map(plan.mask.apply), at: Date()))
    }

    /// The checklist of a deployment that is checking, resolved against its release.
    func checklistPlan(_ id: Int) -> ChecklistPlan? {
        guard let deployment = state.deployments[id], deployment.phase == .checking,
            let release = state.releases[deployment.release], let stack = state.stack, let planner
        else { return nil }
        var failures: [String] = []
        var environment: [String: String] = [:]
        do {
            environment = try planner.instanceSpec(release.instanceID(0), of: release).env
        } catch {
            failures.append("the instances' settings do not resolve: \(error)")
        }
        for name in stack.environment(named: release.environment)?.requiredEnv ?? []
        where (environment[name] ?? "").isEmpty {
            failures.append("required variable \(name) is not set for \(release.service) in \(release.environment)")
        }
        let dependencies = stack.dependencies.filter(\.required).compactMap { dependency in
            dependencyCheck(dependency).map { (dependency.name, $0.check, $0.target) }
        }
        // Values resolved from a secret or a dependency URL never reach the reasons recorded.
        var mask = SecretMask()
        for (name, raw) in release.spec.env where raw.contains("${secret:") || raw.contains("${dependencies.") {
            if let value = environment[name] {
                mask.hide(value)
                mask.hidePassword(ofURL: value)
            }
        }
        var backups: [(spec: BackupSpec, url: String)] = []
        for spec in backupsBeforeDeploying(release) {
            do {
                backups.append((spec, try resolvedBackupURL(dependency: spec.dependency, environment: release.environment)))
            } catch {
                failures.append("the backup of \(spec.dependency) before deploying cannot start: \(error)")
            }
        }
        let (migrations, migrationFailures) = checklistMigrations(release)
        failures += migrationFailures
        let directory = release.spec.workingDirectory.map { $0.hasPrefix("/") ? $0 : baseDirectory + "/" + $0 } ?? baseDirectory
        return ChecklistPlan(
            failures: failures, dependencies: dependencies, backups: backups, migrations: migrations,
            commands: release.spec.deploy.preDeploy,
            stackEnvironment: release.environment, actor: deployment.requestedBy, environment: environment,
            workingDirectory: directory, mask: mask)
    }
}
