import HTTP
import Segmind


/// Somewhere a local file becomes a URL the model can fetch.
public protocol UploadBackend: Sendable {
    /// Names the place, for the cache: the same bytes in another place are another upload.
    var name: String { get }
    /// Uploads the file whose SHA-256 is `sha256`; returns its URL and, for signed URLs, when it
    /// stops working.
    func upload(_ path: String, sha256: String,
                progress: (@Sendable (TransferProgress) -> Void)?) async throws(UploadError) -> (url: String, expiresAt: Date?)
}

extension SegmindStorage: UploadBackend {
    /// "segmind" for Segmind Storage itself; another upload URL (the simulator's) is another place.
    public var name: String {
        configuration.uploadURL == SegmindConfiguration.defaultUploadURL ? Self.backendName : Self.backendName + ":" + configuration.uploadURL
    }

    public func upload(_ path: String, sha256: String,
                       progress: (@Sendable (TransferProgress) -> Void)?) async throws(UploadError) -> (url: String, expiresAt: Date?) {
        (try await upload(path, progress: progress), nil)
    }
}
