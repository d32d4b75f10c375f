import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// What a journal folder holds: one JSON file per record, named by its local id.
public protocol JournalRecord: Codable, Sendable {
    var localID: String { get }
    var updatedAt: Date { get set }
}

/// A private folder of records, each written atomically and flushed to disk, and updated under a
/// per-record lock, so concurrent runs neither corrupt nor lose one another's updates.
struct RecordFolder<Record: JournalRecord>: Sendable {
    let directory: String

    init(directory: String) throws(JournalError) {
        self.directory = directory
        do { try PrivateFolder.make(directory) } catch {
            throw .unusable(directory, error.description)
        }
    }

    func save(_ record: Record) throws(JournalError) {
        try write(record)
    }

    /// Reads, changes and writes a record back, holding its lock throughout.
    func update(_ localID: String, _ change: (inout Record) -> Void) throws(JournalError) -> Record {
        let lock = try lockRecord(localID)
        defer { flock(lock, LOCK_UN); close(lock) }
        var record = try read(path(for: localID))
        change(&record)
        record.updatedAt = JobRecord.now()
        try write(record)
        return record
    }

    /// The record with this exact local id: one file read.
    func record(_ localID: String) throws(JournalError) -> Record {
        guard !localID.contains("/") else { throw .unknownJob(localID) }
        return try read(path(for: localID))
    }

    /// Every readable record, in no order. Unreadable files are skipped, not fatal.
    func all() throws(JournalError) -> [Record] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .unusable(directory, "\(error)")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.compactMap { try? read(directory + "/" + $0) }
    }

    private func path(for localID: String) -> String { directory + "/\(localID).json" }

    private func write(_ record: Record) throws(JournalError) {
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

    private func read(_ path: String) throws(JournalError) -> Record {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unknownJob(path) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(Record.self, from: data) } catch { throw .corrupt(path) }
    }

    private func lockRecord(_ localID: String) throws(JournalError) -> Int32 {
        let descriptor = open(directory + "/.\(localID).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw .unusable(directory, String(cString: strerror(errno)))
        }
        return descriptor
    }
}
