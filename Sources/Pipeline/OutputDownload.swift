import FoundationEssentials
import MediaKit
import Uploader
#if canImport(Glibc)
import Glibc
#endif

/// Saving a job's output: downloaded beside the target (resumed after a dropped connection),
/// checked to be a complete video, and only then renamed into place, so an error page or a cut
/// file never takes the name of a paid-for result.
public enum OutputDownload {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case download(DownloadError)
        case notAVideo(url: String)
        case unwritable(String)

        public var description: String {
            switch self {
            case .download(let error): return error.description
            case .notAVideo(let url): return "the file at \(Redaction.url(url)) is not a complete video; nothing was saved"
            case .unwritable(let path): return "\(path): cannot save the output here"
            }
        }
    }

    /// Returns what the saved file holds (it was probed to check it).
    @discardableResult
    public static func fetch(_ url: String, to destination: String,
                             progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(Failure) -> MediaInfo {
        let target = URL(fileURLWithPath: destination)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).download.mp4").path
        do {
            try await Downloader().download(url, to: staging, progress: progress)
        } catch {
            throw .download(error)
        }
        guard let info = try? Probe.file(atPath: staging), info.primaryVideo != nil, !info.format.isImage,
              info.format.truncated != true else {
            unlink(staging)
            throw .notAVideo(url: url)
        }
        guard rename(staging, destination) == 0 else {
            unlink(staging)
            throw .unwritable(destination)
        }
        return info
    }

    /// "downloading 1.2 MB of 4.5 MB", for a status line.
    public static func describe(_ progress: TransferProgress) -> String {
        let total = progress.bytesToReceive.map { " of " + Formatting.bytes($0) } ?? ""
        return "downloading \(Formatting.bytes(progress.bytesReceived))\(total)"
    }
}
