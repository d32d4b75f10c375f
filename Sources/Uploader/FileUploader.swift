import HTTP
import Support

/// A local file to a URL the model can fetch: from the cache when these bytes were uploaded before
/// and their URL still answers, else by uploading them.
public struct FileUploader: Sendable {
    public let backend: any UploadBackend
    public let cache: UploadCache?

    /// `cache` nil uploads every time (`--no-cache`).
    public init(backend: any UploadBackend, cache: UploadCache?) {
        self.backend = backend
        self.cache = cache
    }

    public struct Uploaded: Sendable, Equatable {
        public let path: String
        public let url: String
        public let sha256: String
        public let bytes: Int64
        /// True when the cache answered and nothing was sent.
        public let cached: Bool
    }

    public func upload(_ path: String, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(UploadError) -> Uploaded {
        let bytes = try UploadError.reading { () throws(FileFactsError) in try FileFacts.regularFileSize(path) }
        let sha256: String
        do { sha256 = try ContentHash.sha256(ofFileAt: path) } catch {
            guard case .unreadable(_, let reason) = error else { throw .unreadable(path, "\(error)") }
            throw .unreadable(path, "\(reason)")
        }
        if let cache, let entry = cache.lookup(sha256: sha256, backend: backend.name) {
            if await Reachability.answers(entry.url) {
                return Uploaded(path: path, url: entry.url, sha256: sha256, bytes: bytes, cached: true)
            }
            try? cache.remove(sha256: sha256, backend: backend.name)
        }
        let (url, expiresAt) = try await backend.upload(path, sha256: sha256, progress: progress)
        try cache?.store(UploadCache.Entry(sha256: sha256, backend: backend.name, url: url, bytes: bytes, expiresAt: expiresAt))
        return Uploaded(path: path, url: url, sha256: sha256, bytes: bytes, cached: false)
    }
}

/// Whether a URL can be fetched, asked with the smallest request that tells: the first byte.
/// Any 2xx means it answers: a server that ignores the Range and starts sending the whole file
/// (HTTP allows it) answers too, and the transfer stops after its first bytes, whatever the size.
public enum Reachability {
    public static func answers(_ url: String) async -> Bool {
        (try? await check(url)) != nil
    }

    /// Throws with the reason when the URL does not give its content (no credentials are sent).
    public static func check(_ url: String) async throws(UploadError) {
        let answer: HTTPAnswer
        do {
            let exchange = try HTTPExchange(.get, url: url, headers: [.range: "bytes=0-0"], destination: .prefix(bytes: 1),
                                            connectTimeout: 10, totalTimeout: 20, followRedirects: true)
            answer = try await HTTPClient().send(exchange)
        } catch {
            throw .unreachable(url: url, detail: error.description)
        }
        guard answer.isSuccess else { throw .unreachable(url: url, detail: "HTTP \(answer.status.code)") }
    }
}
