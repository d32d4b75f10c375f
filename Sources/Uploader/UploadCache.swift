import Support
import SystemPackage

/// Which files were uploaded where: SHA-256 of the bytes → URL, backend and time, in one JSON
/// file written atomically under a lock, so the same file uploads once while its URL still works.
public struct UploadCache: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public let sha256: String
        public let backend: String
        public let url: String
        public let bytes: Int64
        public let uploadedAt: Date
        /// When a signed URL stops working; nil when unknown (checked with a request before reuse).
        public let expiresAt: Date?

        public init(sha256: String, backend: String, url: String, bytes: Int64, uploadedAt: Date = Date(),
                    expiresAt: Date? = nil) {
            self.sha256 = sha256
            self.backend = backend
            self.url = url
            self.bytes = bytes
            self.uploadedAt = uploadedAt
            self.expiresAt = expiresAt
        }

        enum CodingKeys: String, CodingKey {
            case sha256, backend, url, bytes
            case uploadedAt = "uploaded_at"
            case expiresAt = "expires_at"
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$XDG_CACHE_HOME/kling-media/uploads.json`, or `~/.cache/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AppFolders.cache(environment: environment) + "/uploads.json"
    }

    /// The entry for these bytes on this backend, unless its URL has expired (with a minute's margin).
    public func lookup(sha256: String, backend: String, now: Date = Date()) -> Entry? {
        try? PrivateFolder.make(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        guard let entry = (try? load())?[Self.key(sha256, backend)] else { return nil }
        if let expiry = entry.expiresAt, expiry.timeIntervalSince(now) < 60 { return nil }
        return entry
    }

    public func store(_ entry: Entry) throws(UploadError) {
        try locked { entries in entries[Self.key(entry.sha256, entry.backend)] = entry }
    }

    public func remove(sha256: String, backend: String) throws(UploadError) {
        try locked { entries in entries[Self.key(sha256, backend)] = nil }
    }

    private static func key(_ sha256: String, _ backend: String) -> String { backend + ":" + sha256 }

    private func load() throws -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([String: Entry].self, from: data)
    }

    private func locked(_ change: (inout [String: Entry]) -> Void) throws(UploadError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do { try PrivateFolder.make(folder) } catch {
            throw .unreadable(folder, error.description)
        }
        let lock: FileDescriptor
        do {
            lock = try FileDescriptor.open(FilePath(path + ".lock"), .readWrite, options: [.create, .closeOnExec], permissions: .ownerReadWrite)
            _ = try SystemCalls.lock(lock)
        } catch {
            throw .unreadable(path, "\((error as? Errno) ?? .ioError)")
        }
        defer { SystemCalls.unlock(lock); try? lock.close() }
        // An unreadable cache is only a cache: start it afresh rather than fail the upload.
        var entries = (try? load()) ?? [:]
        change(&entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            try AtomicFile.write(Array(try encoder.encode(entries)), to: path)
        } catch {
            throw .unreadable(path, "\(error)")
        }
    }
}
