import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The durable list of submitted jobs: one JSON file per job in a private folder, each written
/// atomically and flushed to disk, updated under a per-job lock so concurrent runs never corrupt
/// or lose one another's updates.
public struct JobJournal: Sendable {
    public let directory: String

    public init(directory: String) throws(JournalError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unusable(directory, "\(error)")
        }
    }

    /// `$XDG_STATE_HOME/kling-media/jobs`, or `~/.local/state/kling-media/jobs`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let root = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "") + "/.local/state"
        return root + "/kling-media/jobs"
    }

    /// Writes a new record (or replaces one), durably, before the caller does anything else.
    public func save(_ record: JobRecord) throws(JournalError) {
        try write(record)
    }

    /// Reads, changes and writes a record back, holding its lock throughout.
    @discardableResult
    public func update(_ localID: String, _ change: (inout JobRecord) -> Void) throws(JournalError) -> JobRecord {
        let lock = try lockRecord(localID)
        defer { flock(lock, LOCK_UN); close(lock) }
        var record = try read(path(for: localID))
        change(&record)
        record.updatedAt = JobRecord.now()
        try write(record)
        return record
    }

    /// Every record, newest first. Unreadable files are skipped, not fatal.
    public func all() throws(JournalError) -> [JobRecord] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .unusable(directory, "\(error)")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .compactMap { try? read(directory + "/" + $0) }
            .sorted { ($0.submittedAt, $0.localID) > ($1.submittedAt, $1.localID) }
    }

    /// The record for a request id, a local id, or an unambiguous prefix of either.
    public func find(_ id: String) throws(JournalError) -> JobRecord {
        let records = try all()
        if let exact = records.first(where: { $0.requestID == id || $0.localID == id }) { return exact }
        let matches = records.filter { ($0.requestID?.hasPrefix(id) ?? false) || $0.localID.hasPrefix(id) }
        guard let match = matches.first else { throw .unknownJob(id) }
        guard matches.count == 1 else { throw .ambiguous(id, matches.count) }
        return match
    }

    // MARK: Files

    private func path(for localID: String) -> String { directory + "/\(localID).json" }

    private func write(_ record: JobRecord) throws(JournalError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let bytes = Array(try encoder.encode(record))
            try DurableFile.write(bytes, to: path(for: record.localID))
        } catch {
            throw .unusable(directory, "\(error)")
        }
    }

    private func read(_ path: String) throws(JournalError) -> JobRecord {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unknownJob(path) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(JobRecord.self, from: data) } catch { throw .corrupt(path) }
    }

    private func lockRecord(_ localID: String) throws(JournalError) -> Int32 {
        let descriptor = open(directory + "/.\(localID).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            throw .unusable(directory, String(cString: strerror(errno)))
        }
        return descriptor
    }
}

public enum JournalError: Error, Equatable, CustomStringConvertible {
    case unusable(String, String)
    case unknownJob(String)
    case ambiguous(String, Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unusable(let directory, let reason):
            return "the job journal at \(directory) cannot be used (\(reason)); set XDG_STATE_HOME to a writable folder"
        case .unknownJob(let id):
            return "no job \(id) in the journal; `kling-media jobs` lists the known ones"
        case .ambiguous(let id, let count):
            return "\(id) matches \(count) jobs; give more of the id"
        case .corrupt(let path):
            return "\(path) is not a readable job record"
        }
    }
}
