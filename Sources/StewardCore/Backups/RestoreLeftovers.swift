/// What a restore cut short by a restart left on its server, and how to put it right.
///
/// A restore builds a checked copy `NAME_restore_ID` beside its target, then swaps names: the
/// target is closed to new sessions and renamed `NAME_before_ID`, the copy renamed to the target's
/// name, and the old one opened again. A restart can fall anywhere in that. Which databases exist
/// now says where: the copy is only renamed after its checks passed, so a target with a
/// `before` database beside it and no copy left is the restored copy; anything earlier is undone.
public enum RestoreLeftovers {
    /// Which of the three databases exist on the server now.
    public struct Found: Sendable, Equatable {
        public var target: Bool
        public var copy: Bool
        public var previous: Bool

        public init(target: Bool, copy: Bool, previous: Bool) {
            self.target = target
            self.copy = copy
            self.previous = previous
        }
    }

    /// One step of the clean-up, in the order given.
    public enum Action: Sendable, Equatable {
        /// `NAME_before_ID` back to the target's name: a swap cut between its two renames.
        case renamePreviousBack
        /// Open the target to sessions again (it is closed just before the swap's first rename).
        case reopenTarget
        /// Open `NAME_before_ID` again (the swap's last step).
        case reopenPrevious
        /// Drop the copy: it never took the target's name.
        case dropCopy
    }

    /// Which way the restore went, once the actions ran.
    public enum Verdict: Sendable, Equatable {
        /// The swap happened: the target is the restored, checked copy; the original is kept as `NAME_before_ID`.
        case swapped
        /// The target is as it was before the restore (or still absent, if it did not exist).
        case notSwapped
        /// The target exists and nothing else does: either the restore had not begun its copy
        /// (the target is untouched) or the target did not exist before and is the restored copy.
        case undecided
    }

    public struct Plan: Sendable, Equatable {
        public var actions: [Action]
        public var verdict: Verdict
        /// What was found and what the actions do, for the event's `error` or the log.
        public var summary: String
        /// ``Verdict/swapped``: the name the original is kept under.
        public var keptAs: String?
    }

    /// The clean-up for what was `found`; `target`, `copy` and `previous` are the three names.
    public static func plan(_ found: Found, target: String, copy: String, previous: String) -> Plan {
        switch (found.target, found.copy, found.previous) {
        case (true, true, _):
            return Plan(
                actions: [.reopenTarget, .dropCopy], verdict: .notSwapped,
                summary: "the swap had not begun: the copy \(copy) was dropped, \(target) is untouched")
        case (false, _, true):
            return Plan(
                actions: [.renamePreviousBack, .reopenTarget] + (found.copy ? [.dropCopy] : []), verdict: .notSwapped,
                summary: "the swap was cut between its renames: \(previous) was renamed back to \(target)"
                    + (found.copy ? ", the copy \(copy) dropped" : ""))
        case (true, false, true):
            return Plan(
                actions: [.reopenPrevious], verdict: .swapped,
                summary: "the swap was done: \(target) is the restored copy, the original is kept as \(previous)",
                keptAs: previous)
        case (true, false, false):
            return Plan(
                actions: [.reopenTarget], verdict: .undecided,
                summary: "no copy is left and \(target) exists: it is untouched if it existed before the restore, "
                    + "else it is the restored copy; check it")
        case (false, true, false):
            return Plan(
                actions: [.dropCopy], verdict: .notSwapped,
                summary: "\(target) did not exist and the copy \(copy) never took its name: the copy was dropped")
        case (false, false, false):
            return Plan(
                actions: [], verdict: .notSwapped,
                summary: "nothing was left: \(target) does not exist and no copy was made")
        }
    }
}
