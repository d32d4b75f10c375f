import FoundationEssentials
import Support
import SystemPackage

/// How a record folder finds records by what they are known by (a request id, a continuation's
/// key, a prefix of either) without reading them: one empty file per entry, named `KEY.LOCALID`,
/// in a folder per index and per key's first two characters:
///
///     .index/request-id/7c/7ce53201-a657-….b2f4…
///
/// An exact key or a prefix of two characters or more reads one small folder, however many
/// records there are. Entries are made before the record they point at is written, and flushed, so
/// a record on disk can always be found; an entry left by a crash before its record was written
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

    func add(localID: String, in name: String, key: String) throws {
        guard Self.isIndexable(key), Self.isIndexable(localID) else { return }
        let folder = shard(name, key)
        let entry = folder + "/" + key.lowercased() + "." + localID
        if SystemCalls.exists(entry) { return }
        try PrivateFolder.make(folder)
        try FileDescriptor.open(FilePath(entry), .writeOnly, options: [.create, .closeOnExec], permissions: .ownerReadWrite).close()
        SystemCalls.syncFolder(folder)
    }

    func localIDs(in name: String, key: String, prefix: Bool) -> [String] {
        let wanted = key.lowercased()
        guard Self.isIndexable(wanted) else { return [] }
        let folders: [String]
        if wanted.count >= 2 {
            folders = [shard(name, wanted)]
        } else {
            // A one-character prefix: the few folders whose names start with it.
            let base = directory + "/" + name
            folders = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
                .filter { $0.hasPrefix(wanted) }.map { base + "/" + $0 }
        }
        var found: [String] = []
        for folder in folders {
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let dot = entry.lastIndex(of: ".") else { continue }
                let entryKey = entry[..<dot]
                if prefix ? entryKey.hasPrefix(wanted) : entryKey == wanted {
                    found.append(String(entry[entry.index(after: dot)...]))
                }
            }
        }
        return found
    }

    /// Whether every record there has its entries (written once a journal from before indexes is indexed).
    var isComplete: Bool { SystemCalls.exists(directory + "/complete") }

    func markComplete() throws {
        try PrivateFolder.make(directory)
        try FileDescriptor.open(FilePath(directory + "/complete"), .writeOnly, options: [.create, .closeOnExec],
                                permissions: .ownerReadWrite).close()
        SystemCalls.syncFolder(directory)
    }

    private func shard(_ name: String, _ key: String) -> String {
        directory + "/" + name + "/" + String(key.lowercased().prefix(2))
    }
}
