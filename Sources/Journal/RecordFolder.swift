import Support
import SystemPackage

/// What a journal folder holds: one JSON file per record, named by its local id.
public protocol JournalRecord: Codable, Sendable {
    var localID: String { get }
    var updatedAt: Date { get set }
    /// What else the record is found by: an index name, and the key under it (a request id, a
    /// continuation's key). Letters, digits and `-` only; others are not indexed.
    var lookupKeys: [(index: String, key: String)] { get }
}

/// A private folder of records, each written atomically and flushed to disk, and updated under a
/// per-record lock, so concurrent runs neither corrupt nor lose one another's updates. Records are
/// found by local id with one file read, and by their other keys (or a prefix of one) through an
/// index beside them (`RecordIndex`), never by reading every record.
public struct RecordFolder<Record: JournalRecord>: Sendable {
    public let directory: String
    private let index: RecordIndex

    public init(directory: String) throws(JournalError) {
        self.directory = directory
        do { try PrivateFolder.make(directory) } catch {
            throw .unusable(directory, error.reason)
        }
        index = RecordIndex(directory: directory + "/.index")
        if !index.isComplete { try rebuildIndex() }
    }

    /// Writes a new record (or replaces one), durably. Its index entries go first: a record is
    /// never on disk without the way to find it.
    public func save(_ record: Record) throws(JournalError) {
        try indexKeys(of: record)
        try write(record)
    }

    /// Reads, changes and writes a record back, holding its lock throughout.
    public func update(_ localID: String, _ change: (inout Record) -> Void) throws(JournalError) -> Record {
        let lock = try lockRecord(localID)
        defer { SystemCalls.unlock(lock); try? lock.close() }
        var record = try read(path(for: localID))
        change(&record)
        record.updatedAt = JournalClock.now()
        try indexKeys(of: record)
        try write(record)
        return record
    }

    /// The record with this exact local id: one file read.
    public func record(_ localID: String) throws(JournalError) -> Record {
        guard RecordIndex.isIndexable(localID) else { throw .unknownJob(localID) }
        return try read(path(for: localID))
    }

    /// Local ids of the records filed under `key` in `index` (exactly, or starting with it).
    public func localIDs(in indexName: String, key: String, prefix: Bool = false) -> [String] {
        index.localIDs(in: indexName, key: key, prefix: prefix)
    }

    /// Every readable record, in no order. Unreadable files are skipped, not fatal.
    public func all() throws(JournalError) -> [Record] {
        try fileNames().compactMap { try? read(directory + "/" + $0) }
    }

    /// Holds the right to act on `name` (a continuation's key, say) until the returned lock is
    /// released (by the system, if the process dies). Nil while another process holds it.
    public func claim(_ name: String) throws(JournalError) -> JournalLock? {
        let path = directory + "/.run-\(name).lock"
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readWrite, options: [.create, .closeOnExec],
                                                     permissions: .ownerReadWrite)
            guard try SystemCalls.lock(descriptor, wait: false) else {
                try? descriptor.close()
                return nil
            }
            return JournalLock(descriptor: descriptor)
        } catch {
            throw .unusable(directory, "\((error as? Errno) ?? .ioError)")
        }
    }

    // MARK: Files

    private func path(for localID: String) -> String { directory + "/\(localID).json" }

    private func fileNames() throws(JournalError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        } catch {
            throw .unusable(directory, "\(error)")
        }
    }

    /// Files the record under its keys; returns the index folders written to.
    @discardableResult
    private func indexKeys(of record: Record, durable: Bool = true) throws(JournalError) -> [String] {
        do {
            var folders = [try index.add(localID: record.localID, in: RecordIndex.localIDs, key: record.localID, durable: durable)]
            for (name, key) in record.lookupKeys {
                folders.append(try index.add(localID: record.localID, in: name, key: key, durable: durable))
            }
            return folders.compactMap { $0 }
        } catch {
            throw .unusable(directory, "its index: \(error)")
        }
    }

    /// Indexes every record there (a journal written before indexes existed), then marks the index
    /// complete, flushing each folder it wrote to once rather than after every entry.
    private func rebuildIndex() throws(JournalError) {
        var folders: Set<String> = []
        for record in try all() { folders.formUnion(try indexKeys(of: record, durable: false)) }
        do { try index.markComplete(flushing: folders) } catch { throw .unusable(directory, "its index: \(error)") }
    }

    private func write(_ record: Record) throws(JournalError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            let bytes = Array(try encoder.encode(record))
            try AtomicFile.write(bytes, to: path(for: record.localID))
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

    private func lockRecord(_ localID: String) throws(JournalError) -> FileDescriptor {
        do {
            let descriptor = try FileDescriptor.open(FilePath(directory + "/.\(localID).lock"), .readWrite,
                                                     options: [.create, .closeOnExec], permissions: .ownerReadWrite)
            _ = try SystemCalls.lock(descriptor)
            return descriptor
        } catch {
            throw .unusable(directory, "\((error as? Errno) ?? .ioError)")
        }
    }
}

/// An exclusive claim on a journal entry, held until this is released (by the system, if the
/// process dies).
public final class JournalLock: Sendable {
    private let descriptor: FileDescriptor

    init(descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    deinit {
        SystemCalls.unlock(descriptor)
        try? descriptor.close()
    }
}

/// The journal's notion of now: to the second, as it stores times (ISO 8601), so a record reads back equal.
public enum JournalClock {
    public static func now() -> Date { stored(Date()) }

    /// `date` as the journal keeps it: to the second.
    public static func stored(_ date: Date) -> Date {
        Date(timeIntervalSinceReferenceDate: date.timeIntervalSinceReferenceDate.rounded(.down))
    }
}
