import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The durable list of submitted jobs, and of the continuations (`kling-media continue`) they
/// belong to: one JSON file per record in a private folder (continuations in `continuations/`),
/// each written atomically and flushed to disk, updated under a per-record lock.
public struct JobJournal: Sendable {
    public let directory: String
    private let jobs: RecordFolder<JobRecord>
    private let continuationFolder: RecordFolder<ContinuationRecord>

    public init(directory: String) throws(JournalError) {
        self.directory = directory
        jobs = try RecordFolder(directory: directory)
        continuationFolder = try RecordFolder(directory: directory + "/continuations")
    }

    /// `$XDG_STATE_HOME/kling-media/jobs`, or `~/.local/state/kling-media/jobs`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        StateFolder.root(environment: environment) + "/jobs"
    }

    // MARK: Jobs

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

    /// The record for a request id, a local id, or an unambiguous prefix of either.
    public func find(_ id: String) throws(JournalError) -> JobRecord {
        if let exact = try? jobs.record(id) { return exact }
        let records = try all()
        if let exact = records.first(where: { $0.requestID == id || $0.localID == id }) { return exact }
        let matches = records.filter { ($0.requestID?.hasPrefix(id) ?? false) || $0.localID.hasPrefix(id) }
        guard let match = matches.first else { throw .unknownJob(id) }
        guard matches.count == 1 else { throw .ambiguous(id, matches.count) }
        return match
    }

    // MARK: Continuations

    public func save(_ record: ContinuationRecord) throws(JournalError) {
        try continuationFolder.save(record)
    }

    @discardableResult
    public func updateContinuation(_ localID: String, _ change: (inout ContinuationRecord) -> Void) throws(JournalError) -> ContinuationRecord {
        try continuationFolder.update(localID, change)
    }

    public func continuation(localID: String) throws(JournalError) -> ContinuationRecord {
        try continuationFolder.record(localID)
    }

    /// Every continuation, newest first.
    public func continuations() throws(JournalError) -> [ContinuationRecord] {
        try continuationFolder.all().sorted { ($0.createdAt, $0.localID) > ($1.createdAt, $1.localID) }
    }

    /// Holds the right to run the continuation with this key, so that two processes never run one
    /// continuation at once (both would submit its next shot, or download into the same file).
    /// Nil while another process holds it. Released when the returned lock is.
    public func claimContinuation(key: String) throws(JournalError) -> JournalLock? {
        let path = continuationFolder.directory + "/.run-\(key).lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unusable(continuationFolder.directory, String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return JournalLock(descriptor: descriptor)
    }

    /// The newest continuation asked for with exactly these inputs and options (see `ContinuationRecord.key`).
    public func continuation(key: String) throws(JournalError) -> ContinuationRecord? {
        try continuations().first { $0.key == key }
    }
}

/// An exclusive claim on a journal entry, held until this is released (by the system, if the
/// process dies).
public final class JournalLock: Sendable {
    private let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
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
