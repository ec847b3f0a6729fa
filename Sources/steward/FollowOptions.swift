import ArgumentParser

/// `--wait` and `--timeout` of the commands that start a deployment (restart, scale, start).
struct FollowOptions: ParsableArguments {
    @Flag(help: "Follow the deployment until it finishes, showing its progress; exit 1 when it fails.")
    var wait = false

    @Option(help: "With --wait, give up following after this many seconds (exit 1).")
    var timeout: Int = 600

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }
}
