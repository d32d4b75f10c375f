import SystemPackage

/// A small JSON file that processes share (a key's request budget, the room promised on a disk):
/// read, changed and written back under its lock, so they take turns. Not flushed to disk: what
/// such a file holds is worth a lock, not a sync.
public enum SharedJSONFile {
    /// `body` given the file's value (nil when it is empty or not a `Value`); what it leaves there
    /// is written back. Nil when the file cannot be used (its folder cannot be made, or the file
    /// opened or locked): the caller goes on without it.
    public static func update<Value: Codable, Result>(_ path: String, as type: Value.Type,
                                                      _ body: (inout Value?) -> Result) -> Result? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard (try? PrivateFolder.make(folder)) != nil,
              let file = try? FileDescriptor.open(FilePath(path), .readWrite, options: [.create, .closeOnExec, .noFollow],
                                                  permissions: .ownerReadWrite),
              (try? SystemCalls.lock(file)) == true else { return nil }
        defer { SystemCalls.unlock(file); try? file.close() }
        var value = (try? read(file)).flatMap { $0.isEmpty ? nil : try? JSONDecoder().decode(Value.self, from: Data($0)) }
        let result = body(&value)
        if let value, let encoded = try? JSONEncoder().encode(value) {
            _ = try? file.resize(to: 0)
            _ = try? file.writeAll(toAbsoluteOffset: 0, encoded)
        }
        return result
    }

    private static func read(_ file: FileDescriptor) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var offset: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try file.read(fromAbsoluteOffset: offset, into: $0) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            offset += Int64(count)
        }
    }
}
