import Support
import SystemPackage

/// How a record folder finds records by what they are known by (a request id, a continuation's
/// key, a prefix of either) without reading them: per index, a small file per key, named by the
/// key, listing the local ids filed under it, one a line; files go in a folder per key's first two
/// characters:
///
///     .index/request-id/7c/7ce53201-a657-4d17-ba99-c42bbfe8a5d3   →   "b2f4…\n"
///
/// An exact key is one file read, however many records there are; a prefix reads one small folder
/// and the files it names. Entries are written (and flushed) before the record they point at, so a
/// record on disk can always be found; an entry left by a crash before its record was written
/// points at nothing and is ignored.
struct RecordIndex: Sendable {
    let directory: String

    /// Every record is filed under its own local id too, for prefixes of it.
    static let localIDs = "local-id"

    /// Keys (and local ids) that may be names in the index: letters, digits and `-`.
    static func isIndexable(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 128 && key.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D
        }
    }

    /// Files `localID` under `key`; flushed to disk unless `durable` is false (a rebuild flushes
    /// once at its end). Returns the folder it went into.
    @discardableResult
    func add(localID: String, in name: String, key: String, durable: Bool = true) throws -> String? {
        guard Self.isIndexable(key), Self.isIndexable(localID) else { return nil }
        let wanted = key.lowercased()
        if localIDs(in: name, key: wanted, prefix: false).contains(localID) { return nil }
        let folder = shard(name, wanted)
        let isNew = !SystemCalls.exists(folder + "/" + wanted)
        if isNew, !SystemCalls.exists(folder) { try PrivateFolder.make(folder) }
        let file = try FileDescriptor.open(FilePath(folder + "/" + wanted), .writeOnly, options: [.create, .append, .closeOnExec],
                                           permissions: .ownerReadWrite)
        defer { try? file.close() }
        // Two processes may add to one key (two takes of a continuation): one line at a time.
        _ = try SystemCalls.lock(file)
        defer { SystemCalls.unlock(file) }
        _ = try file.writeAll(Array((localID + "\n").utf8))
        if durable {
            try SystemCalls.sync(file)
            if isNew { SystemCalls.syncFolder(folder) }
        }
        return folder
    }

    func localIDs(in name: String, key: String, prefix: Bool) -> [String] {
        let wanted = key.lowercased()
        guard Self.isIndexable(wanted) else { return [] }
        guard prefix else { return entries(shard(name, wanted) + "/" + wanted) }
        let folders: [String]
        if wanted.count >= 2 {
            folders = [shard(name, wanted)]
        } else {
            // A one-character prefix: the few folders whose names start with it.
            let base = directory + "/" + name
            folders = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
                .filter { $0.hasPrefix(wanted) }.map { base + "/" + $0 }
        }
        return folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasPrefix(wanted) }.flatMap { entries(folder + "/" + $0) }
        }
    }

    private func entries(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter(Self.isIndexable)
    }

    /// Whether every record there has its entries (written once a journal from before indexes is indexed).
    var isComplete: Bool { SystemCalls.exists(directory + "/complete") }

    /// Marks the index complete once what a rebuild wrote unflushed is on disk.
    func markComplete(flushing folders: Set<String> = []) throws {
        if !folders.isEmpty { SystemCalls.syncAll() }
        try PrivateFolder.make(directory)
        try FileDescriptor.open(FilePath(directory + "/complete"), .writeOnly, options: [.create, .closeOnExec],
                                permissions: .ownerReadWrite).close()
        SystemCalls.syncFolder(directory)
    }

    private func shard(_ name: String, _ key: String) -> String {
        directory + "/" + name + "/" + String(key.prefix(2))
    }
}
