import HTTP
import Support
import Uploader

/// Uploads shared by every continuation of a process: a file is uploaded once however many jobs
/// of a batch use it at the same moment (they wait for the one upload), and the upload cache
/// answers for bytes sent before. A URL passes through as it is. A file is known by its path and
/// its identity on disk (`FileIdentity`): one rewritten during a run (a clip rendered again
/// while the batch goes on, or after its line was made ready ahead) goes up again, so a job is
/// never sent what the file held before.
public actor SharedUploads {
    public nonisolated let uploader: FileUploader
    private var uploads: [Upload: Task<FileUploader.Uploaded, any Error>] = [:]

    /// A file as it is now: the same path rewritten is another upload.
    private struct Upload: Hashable {
        let path: String
        let identity: FileIdentity?
    }

    public init(uploader: FileUploader) {
        self.uploader = uploader
    }

    /// Where an input ended up: its URL; for a file, what became of it (nil for a URL given as
    /// one), and whether another caller of this process uploaded it (or is uploading it now).
    public struct Outcome: Sendable {
        public let url: String
        public let file: FileUploader.Uploaded?
        public let reused: Bool
    }

    /// `url(for:)` told as `shot`'s events: the upload's progress (once per percent of a known
    /// size: libcurl calls back many times a second), then what became of the file.
    public func url(for input: String, shot: ShotNumber, events: @escaping @Sendable (PipelineEvent) -> Void) async throws(UploadError) -> String {
        let steps = ProgressSteps()
        let uploaded = try await url(for: input) { progress in
            let due = progress.bytesToSend.map { steps.isNewStep(done: Double(progress.bytesSent), total: Double($0)) } ?? true
            if due { events(.uploading(shot, file: input, progress: progress)) }
        }
        if let file = uploaded.file {
            events(.uploaded(shot, file: input, bytes: file.bytes, how: uploaded.reused ? .sharedInThisRun : file.cached ? .cached : .sent))
        }
        return uploaded.url
    }

    public func url(for input: String, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(UploadError) -> Outcome {
        if URLText.isHTTP(input) { return Outcome(url: input, file: nil, reused: false) }
        let path = URL(fileURLWithPath: input).path
        let key = Upload(path: path, identity: FileIdentity(path: path))
        let task: Task<FileUploader.Uploaded, any Error>
        let reused = uploads[key] != nil
        if let running = uploads[key] {
            task = running
        } else {
            let uploader = uploader
            task = Task { try await uploader.upload(path, progress: progress) }
            uploads[key] = task
        }
        do {
            let uploaded = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            return Outcome(url: uploaded.url, file: uploaded, reused: reused)
        } catch {
            // A failed upload is not remembered: the next asker tries again.
            uploads[key] = nil
            throw (error as? UploadError) ?? .transport(.cancelled)
        }
    }
}
