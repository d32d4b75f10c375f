import Segmind
import Support

/// The durable list of submitted jobs: one JSON file per job in a private folder, each written
/// atomically and flushed to disk, updated under a per-job lock, and found by local id, request id
/// or a prefix of either through an index (see `RecordFolder`).
public struct JobJournal: Sendable {
    public let directory: String
    private let jobs: RecordFolder<JobRecord>

    public init(directory: String) throws(JournalError) {
        self.directory = directory
        jobs = try RecordFolder(directory: directory)
    }

    /// `$XDG_STATE_HOME/kling-media/jobs`, or `~/.local/state/kling-media/jobs`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AppFolders.state(environment: environment) + "/jobs"
    }

    /// Writes a new record (or replaces one), durably, before the caller does anything else.
    public func save(_ record: JobRecord) throws(JournalError) {
        try jobs.save(record)
    }

    /// Reads, changes and writes a record back, holding its lock throughout.
    @discardableResult
    public func update(_ localID: String, _ change: (inout JobRecord) -> Void) throws(JournalError) -> JobRecord {
        try jobs.update(localID, change)
    }

    /// The job with this exact local id (one file read, however long the journal).
    public func job(localID: String) throws(JournalError) -> JobRecord {
        try jobs.record(localID)
    }

    /// Every record, newest first. Unreadable files are skipped, not fatal.
    public func all() throws(JournalError) -> [JobRecord] {
        try jobs.all().sorted { ($0.submittedAt, $0.localID) > ($1.submittedAt, $1.localID) }
    }

    /// Applies `change` to the job's record, and says what became of it. A journal that fails here
    /// never loses the answer in hand: the changed record is returned either way, with the failure.
    /// A record the journal does not hold (a job submitted elsewhere, followed by its id) goes in
    /// when `saveIfMissing` says so: Segmind has answered for it.
    public func note(_ record: JobRecord, saveIfMissing: Bool = false,
                     _ change: (inout JobRecord) -> Void) -> (record: JobRecord, failure: JournalError?) {
        do { return (try update(record.localID, change), nil) } catch {
            var copy = record
            change(&copy)
            copy.updatedAt = JobRecord.now()
            guard case .unknownJob = error else { return (copy, error) }
            guard saveIfMissing else { return (copy, nil) }
            do { try save(copy) } catch { return (copy, error) }
            return (copy, nil)
        }
    }

    /// The record for a request id, a local id, or an unambiguous prefix of either: found through
    /// the index, reading only the records it names.
    public func find(_ id: String) throws(JournalError) -> JobRecord {
        if let exact = try? jobs.record(id) { return exact }
        let byRequestID = jobs.localIDs(in: JobRecord.requestIDIndex, key: id)
        if let localID = byRequestID.first, let exact = try? jobs.record(localID) { return exact }
        let candidates = Set(jobs.localIDs(in: JobRecord.requestIDIndex, key: id, prefix: true)
                             + jobs.localIDs(in: RecordIndex.localIDs, key: id, prefix: true))
        let matches = candidates.compactMap { try? jobs.record($0) }
        guard let match = matches.first else { throw .unknownJob(id) }
        guard matches.count == 1 else { throw .ambiguous(id, matches.count) }
        return match
    }
}

public enum JournalError: Error, Equatable, CustomStringConvertible {
    case unusable(String, String)
    case unknownJob(String)
    case busy(String)
    case ambiguous(String, Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unusable(let directory, let reason):
            return "the job journal at \(directory) cannot be used (\(reason)); set XDG_STATE_HOME to a writable folder"
        case .unknownJob(let id):
            return "no job \(id) in the journal; `kling-media jobs` lists the known ones"
        case .busy(let id):
            return "continuation \(id) is being run by another kling-media process; let it finish, or stop it first"
        case .ambiguous(let id, let count):
            return "\(id) matches \(count) jobs; give more of the id"
        case .corrupt(let path):
            return "\(path) is not a readable job record"
        }
    }
}
