import GRDB

extension EventLog {
    /// Reads events after a sequence number, oldest first.
    ///
    /// Page through the log by passing the last `seq` you received as `after`.
    ///
    /// - Parameters:
    ///   - seq: Return events whose sequence number is greater than this; 0 starts at the beginning.
    ///   - limit: The most events to return; 0 or less returns none.
    ///   - typePrefix: Only events whose type starts with this text (case-sensitive), such as `deployment.`.
    ///   - subjectPrefix: Only events whose subject is this path or lies below it (whole segments, case-sensitive), such as
    ///     `service/api/`.
    /// - Returns: Matching events in ascending `seq` order.
    /// - Throws: ``StoreError``.
    public func events(
        after seq: Int64 = 0,
        limit: Int = 1000,
        typePrefix: String? = nil,
        subjectPrefix: String? = nil
    ) throws -> [EventRecord] {
        guard limit > 0 else { return [] }
        return try perform {
            try writer.read { db in
                try Self.filtered(EventRecord.all(), typePrefix: typePrefix, subjectPrefix: subjectPrefix)
                    .filter(EventRecord.Columns.seq > seq)
                    .order(EventRecord.Columns.seq.asc)
                    .limit(limit)
                    .fetchAll(db)
            }
        }
    }

    /// Reads the most recent events, newest first.
    ///
    /// - Parameters:
    ///   - limit: The most events to return; 0 or less returns none.
    ///   - typePrefix: Only events whose type starts with this text (case-sensitive).
    ///   - subjectPrefix: Only events whose subject is this path or lies below it (whole segments, case-sensitive).
    /// - Returns: Matching events in descending `seq` order.
    /// - Throws: ``StoreError``.
    public func latestEvents(
        limit: Int,
        typePrefix: String? = nil,
        subjectPrefix: String? = nil
    ) throws -> [EventRecord] {
        guard limit > 0 else { return [] }
        return try perform {
            try writer.read { db in
                try Self.filtered(EventRecord.all(), typePrefix: typePrefix, subjectPrefix: subjectPrefix)
                    .order(EventRecord.Columns.seq.desc)
                    .limit(limit)
                    .fetchAll(db)
            }
        }
    }

    /// The sequence number of the last event, or 0 when the log is empty.
    ///
    /// - Throws: ``StoreError``; ``StoreError/Code/corrupted`` when the log head is missing.
    public func lastSequence() throws -> Int64 {
        try perform {
            try writer.read { db in
                guard let head = try LogHead.fetch(db) else {
                    throw StoreError(.corrupted, message: "the log head is missing")
                }
                return head.lastSeq
            }
        }
    }

    /// Reads the whole log, oldest first, for audits and exports.
    ///
    /// Start-up does not read the whole log: it uses ``loadState()`` (latest checkpoint plus the events after it).
    ///
    /// - Returns: Every event in ascending `seq` order.
    /// - Throws: ``StoreError``.
    public func allEvents() throws -> [EventRecord] {
        try perform {
            try writer.read { db in
                try EventRecord.order(EventRecord.Columns.seq.asc).fetchAll(db)
            }
        }
    }

    private static func filtered(
        _ request: QueryInterfaceRequest<EventRecord>,
        typePrefix: String?,
        subjectPrefix: String?
    ) -> QueryInterfaceRequest<EventRecord> {
        var request = request
        if let typePrefix, !typePrefix.isEmpty {
            request = request.filter(literal: "\(EventRecord.Columns.type) GLOB \(globPrefixPattern(typePrefix))")
        }
        if let subjectPrefix, !subjectPrefix.isEmpty {
            // Whole path segments: `deployment/1` is that subject and what lies below it, never `deployment/10`.
            let below = subjectPrefix.hasSuffix("/") ? subjectPrefix : subjectPrefix + "/"
            request = request.filter(
                literal: "(\(EventRecord.Columns.subject) = \(subjectPrefix) OR \(EventRecord.Columns.subject) GLOB \(globPrefixPattern(below)))")
        }
        return request
    }

    /// A GLOB pattern matching strings that start with `prefix` exactly.
    ///
    /// GLOB rather than LIKE: it is case-sensitive like the prefix, and SQLite can answer a literal
    /// GLOB prefix from the `events_by_type` and `events_by_subject` indexes.
    static func globPrefixPattern(_ prefix: String) -> String {
        var pattern = ""
        for character in prefix {
            switch character {
            case "*", "?", "[":
                pattern += "[\(character)]"
            default:
                pattern.append(character)
            }
        }
        return pattern + "*"
    }
}
