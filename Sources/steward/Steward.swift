import ArgumentParser

/// The `steward` command: a client of the control plane's API, plus the servers themselves.
@main
struct Steward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steward",
        abstract: "Deploy, watch and recover a stack of services declared in steward.yaml.",
        discussion: """
            Exit codes: 0 success; 1 the operation failed (invalid stack, failed deployment, \
            broken audit chain); 2 the server refused the request; 3 the server could not be reached; \
            4 a blue/green or canary deployment followed with --wait was rolled back by a rule; \
            5 a disaster-recovery drill ran but missed its RTO or RPO; \
            64 invalid command-line usage. The version of steward itself: `steward version` \
            (`--version` names the version to deploy).
            """,
        subcommands: [
            Demo.self, Validate.self, Serve.self, Agent.self, Proxy.self, Status.self, Deploy.self, Promote.self, Approve.self, Pause.self, Resume.self, Abort.self, Rollback.self, Restart.self,
            Scale.self, Stop.self, Start.self, Down.self, Secret.self, Runbook.self, Backup.self, Migrate.self, Drill.self, Releases.self, Logs.self, Events.self, Audit.self, User.self, Token.self, Version.self, DemoApp.self,
            Mirror.self,
        ]
    )
}
