/// Checks a log's hash chain and says where it was tampered with. Pure: no database, no clock.
///
/// It walks the events in `seq` order, comparing each with the one before, and finally compares the
/// end of the log with its recorded head:
///
/// - an event whose hash differs from the hash recomputed from its fields was **edited**;
/// - a gap in the sequence numbers, or a log ending before its head, means events were **deleted**;
/// - an event that the next event links past (the next one's `previousHash` is the hash of the event
///   before it) was **inserted**, and so was one beyond the recorded head. Events renumbered to make
///   room for it are recognised and not reported again;
/// - an intact event whose `previousHash` is not the hash of the event before has a **broken link**:
///   one of the two was replaced by an event with a freshly computed hash;
/// - a last event whose hash differs from the recorded head is a **head mismatch**.
///
/// A changed hash column is reported once, as an edit of that event, not again as a broken link of
/// the event after it. The chain cannot prove anything about an attacker who rewrites every hash
/// after the change and the head too; keep copies of the head elsewhere for that.
public enum AuditVerifier {
    /// Checks events against the hash-chain rule and the recorded head.
    ///
    /// - Parameters:
    ///   - events: The stored events, in any order.
    ///   - head: The recorded head, or nil when its row is missing.
    /// - Returns: The number of events checked and every problem found.
    public static func verify(_ events: [EventRecord], head: LogHead?) -> AuditReport {
        var walk = Walk()
        for event in events.sorted(by: { $0.seq < $1.seq }) {
            walk.visit(event)
        }
        walk.finish(head: head)
        return AuditReport(checked: events.count, problems: walk.problems)
    }
}

/// The state of one walk along the log.
private struct Walk {
    /// An event already visited, with what the walk learned about it.
    struct Visited {
        var event: EventRecord
        /// The seq it was hashed under when appended: its `seq` minus the events inserted before it.
        var originalSeq: Int64
        /// The hash its fields give, under `originalSeq`.
        var recomputedHash: String
        var wasEdited: Bool
    }

    private(set) var problems: [AuditProblem] = []
    private var visited: [Visited] = []
    /// How many inserted events the walk has found so far; later events are hashed under `seq - shift`.
    private var shift: Int64 = 0

    mutating func visit(_ event: EventRecord) {
        let previous = visited.last
        let expectedSeq = (previous?.event.seq ?? 0) + 1
        if event.seq < expectedSeq {
            problems.append(
                AuditProblem(
                    seq: event.seq,
                    kind: .inserted,
                    message: "\(name(event)) appears more than once: a copy was inserted"
                )
            )
            return
        }
        let gap = event.seq > expectedSeq
        if gap {
            problems.append(missing(from: expectedSeq, to: event.seq - 1, atEnd: false))
        }
        var current = Visited(
            event: event,
            originalSeq: event.seq - shift,
            recomputedHash: EventHash.hash(of: event, seq: event.seq - shift),
            wasEdited: false
        )
        let linkTarget = previous?.event.hash ?? EventHash.genesis

        if gap || event.previousHash == linkTarget {
            // Linked (or unlinkable because its predecessor is gone): only its own hash can be wrong.
        } else if let previous, let skipped = linkBeforeLast, event.previousHash == skipped.hash {
            // It links past `previous` to the event before that one: `previous` was slipped in.
            problems.removeAll { $0.seq == previous.event.seq && $0.kind == .brokenLink }
            problems.append(
                AuditProblem(
                    seq: previous.event.seq,
                    kind: .inserted,
                    message: "\(name(previous.event)) was inserted: event \(event.seq) links past it to "
                        + skipped.name
                )
            )
            // If later events were renumbered to make room, this one matches its hash one seq lower.
            let renumberedHash = EventHash.hash(of: event, seq: event.seq - shift - 1)
            if current.recomputedHash != event.hash && renumberedHash == event.hash {
                shift += 1
                current.originalSeq = event.seq - shift
                current.recomputedHash = renumberedHash
            }
        } else if let previous, previous.wasEdited, event.previousHash == previous.recomputedHash {
            // The previous event's hash column was changed; that was reported as an edit already.
        } else if current.recomputedHash == event.hash {
            problems.append(brokenLink(event, after: previous?.event))
        }

        if current.recomputedHash != event.hash {
            current.wasEdited = true
            problems.append(
                AuditProblem(
                    seq: event.seq,
                    kind: .edited,
                    message: "\(name(event)) was edited: its content no longer matches its hash"
                )
            )
        }
        visited.append(current)
    }

    mutating func finish(head: LogHead?) {
        guard let head else {
            problems.append(
                AuditProblem(
                    seq: 0,
                    kind: .headMismatch,
                    message: "the record of the log head is missing: the database was altered"
                )
            )
            return
        }
        let last = visited.last
        let lastOriginalSeq = last?.originalSeq ?? 0
        if lastOriginalSeq < head.lastSeq {
            let lastSeq = last?.event.seq ?? 0
            problems.append(missing(from: lastSeq + 1, to: lastSeq + head.lastSeq - lastOriginalSeq, atEnd: true))
            return
        }
        for beyond in visited where beyond.originalSeq > head.lastSeq {
            problems.append(
                AuditProblem(
                    seq: beyond.event.seq,
                    kind: .inserted,
                    message: "\(name(beyond.event)) was inserted after the recorded end of the log "
                        + "(event \(head.lastSeq))"
                )
            )
        }
        let headEvent = visited.last { $0.originalSeq == head.lastSeq }
        if let headEvent, headEvent.event.hash != head.lastHash {
            problems.append(
                AuditProblem(
                    seq: headEvent.event.seq,
                    kind: .headMismatch,
                    message: "\(name(headEvent.event)) does not match the recorded head of the log: "
                        + "the log or its head was altered"
                )
            )
        }
    }

    /// What the next event would link to if the last visited one were not there, and how to name it.
    private var linkBeforeLast: (hash: String, name: String)? {
        guard visited.count >= 2 else {
            return visited.isEmpty ? nil : (EventHash.genesis, "the start of the log")
        }
        let before = visited[visited.count - 2].event
        return (before.hash, "event \(before.seq)")
    }

    private func name(_ event: EventRecord) -> String {
        "event \(event.seq) (\(event.type))"
    }

    private func missing(from first: Int64, to last: Int64, atEnd: Bool) -> AuditProblem {
        let place = atEnd ? " from the end of the log" : ""
        let message =
            first == last
            ? "event \(first) is missing\(place): it was deleted"
            : "events \(first)–\(last) are missing\(place): they were deleted"
        return AuditProblem(seq: first, kind: .deleted, message: message)
    }

    private func brokenLink(_ event: EventRecord, after previous: EventRecord?) -> AuditProblem {
        guard let previous else {
            return AuditProblem(
                seq: event.seq,
                kind: .brokenLink,
                message: "\(name(event)) does not start from the genesis hash: it was replaced"
            )
        }
        return AuditProblem(
            seq: event.seq,
            kind: .brokenLink,
            message: "\(name(event)) does not link to \(name(previous)): one of them was replaced"
        )
    }
}
