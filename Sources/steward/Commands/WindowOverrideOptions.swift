import ArgumentParser
import Foundation
import StewardServer

/// `--override-window --reason TEXT` of the commands that deploy (deploy, promote).
struct WindowOverrideOptions: ParsableArguments {
    @Flag(help: "Start now even if the environment's deployment window is closed (needs --reason; recorded).")
    var overrideWindow = false

    @Option(help: "With --override-window: why it must run outside the window.")
    var reason: String?

    func validate() throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if overrideWindow, reason?.isEmpty ?? true {
            throw ValidationError("--override-window needs --reason \"why it must run outside the window\"")
        }
        if !overrideWindow, reason != nil { throw ValidationError("--reason goes with --override-window") }
    }

    /// The request's `overrideWindow`, when asked for.
    var request: WindowOverrideRequest? { overrideWindow ? reason.map(WindowOverrideRequest.init(reason:)) : nil }
}
