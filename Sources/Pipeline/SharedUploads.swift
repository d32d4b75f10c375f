import FoundationEssentials
import Uploader

/// Uploads shared by every continuation of a process: a file is uploaded once however many jobs
/// of a batch use it at the same moment (they wait for the one upload), and the upload cache
/// answers for bytes sent before. A URL passes through as it is.
public actor SharedUploads {
    public nonisolated let uploader: FileUploader
    private var uploads: [String: Task<FileUploader.Uploaded, any Error>] = [:]

    public init(uploader: FileUploader) {
        self.uploader = uploader
    }

    /// The URL for `input` (a path or an http(s) URL), and what became of the file: nil for a URL;
    /// `reused` when another caller of this process uploaded it (or is uploading it now).
    public func url(for input: String, progress: (@Sendable (TransferProgress) -> Void)? = nil)
        async throws(UploadError) -> (url: String, uploaded: FileUploader.Uploaded?, reused: Bool) {
        if Self.isURL(input) { return (input, nil, false) }
        let path = URL(fileURLWithPath: input).path
        let task: Task<FileUploader.Uploaded, any Error>
        let reused = uploads[path] != nil
        if let running = uploads[path] {
            task = running
        } else {
            let uploader = uploader
            task = Task { try await uploader.upload(path, progress: progress) }
            uploads[path] = task
        }
        do {
            let uploaded = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            return (uploaded.url, uploaded, reused)
        } catch let error as UploadError {
            // A failed upload is not remembered: the next asker tries again.
            uploads[path] = nil
            throw error
        } catch {
            uploads[path] = nil
            throw .transport(.cancelled)
        }
    }

    public static func isURL(_ input: String) -> Bool {
        input.hasPrefix("https://") || input.hasPrefix("http://")
    }
}
