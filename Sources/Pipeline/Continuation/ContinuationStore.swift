import Journal

/// The continuations (`kling-media continue`) in the journal: one record each in
/// `jobs/continuations/`, found by local id or by the key of what was asked.
public struct ContinuationStore: Sendable {
    private let folder: RecordFolder<ContinuationRecord>

    /// The store beside a job journal, in its `continuations/` folder.
    public init(journal: JobJournal) throws(JournalError) {
        folder = try RecordFolder(directory: journal.directory + "/continuations")
    }

    public func save(_ record: ContinuationRecord) throws(JournalError) {
        try folder.save(record)
    }

    @discardableResult
    public func update(_ localID: String, _ change: (inout ContinuationRecord) -> Void) throws(JournalError) -> ContinuationRecord {
        try folder.update(localID, change)
    }

    public func record(localID: String) throws(JournalError) -> ContinuationRecord {
        try folder.record(localID)
    }

    /// Every continuation, newest first.
    public func all() throws(JournalError) -> [ContinuationRecord] {
        try folder.all().sorted { ($0.createdAt, $0.localID) > ($1.createdAt, $1.localID) }
    }

    /// Continuations whose local id starts with `prefix`, through the index.
    public func matching(prefix: String) -> [ContinuationRecord] {
        folder.localIDs(in: "local-id", key: prefix, prefix: true).compactMap { try? folder.record($0) }
    }

    /// The newest continuation asked for with exactly these inputs and options (its `key`): through
    /// the index, reading only the takes of this request.
    public func newest(key: String) throws(JournalError) -> ContinuationRecord? {
        folder.localIDs(in: ContinuationRecord.keyIndex, key: key).compactMap { try? folder.record($0) }
            .filter { $0.key == key }
            .max { ($0.createdAt, $0.localID) < ($1.createdAt, $1.localID) }
    }

    /// Holds the right to run the continuation with this key, so that two processes never run one
    /// continuation at once (both would submit its next shot, or download into the same file).
    /// Nil while another process holds it. Released when the returned lock is.
    public func claim(key: String) throws(JournalError) -> JournalLock? {
        try folder.claim(key)
    }
}
