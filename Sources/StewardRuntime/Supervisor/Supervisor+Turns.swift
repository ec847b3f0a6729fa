extension Supervisor {
    /// Runs `work` when all earlier work for `id` has finished: one ordered queue per instance id.
    ///
    /// Why: a start that arrives while a stop of the same id is in progress must neither take over
    /// the old process (which would then never get its SIGKILL) nor be killed by the stop. Serialising
    /// per id, with each piece of work re-checking `wanted` when its turn comes, rules both out.
    func inTurn<T>(_ id: String, _ work: () async throws -> T) async rethrows -> T {
        if turns[id] != nil {
            await withCheckedContinuation { turns[id, default: []].append($0) }
        } else {
            turns[id] = []
        }
        defer { passTurn(id) }
        return try await work()
    }

    /// Hands the turn to the next waiting work, in arrival order, or frees it.
    private func passTurn(_ id: String) {
        guard var waiting = turns[id], !waiting.isEmpty else {
            turns[id] = nil
            return
        }
        let next = waiting.removeFirst()
        turns[id] = waiting
        next.resume()
    }
}
