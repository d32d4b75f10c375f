import HTTP
import MediaKit
import Support

/// Saving a job's output: downloaded beside the target (resumed after a dropped connection),
/// checked to be a complete video, and only then renamed into place, so an error page or a cut
/// file never takes the name of a paid-for result.
///
/// A result may offer several URLs (a thumbnail beside the video, say): they are tried best first,
/// and one that turns out not to be a video (by its content type, or by what FFmpeg makes of it) is
/// skipped for the next. Only when none is a video does the download fail, naming what was tried.
public enum OutputDownload {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case download(DownloadError)
        /// No candidate was a complete video: each URL (signature removed) with why.
        case noVideo(tried: [SkippedURL])
        case unwritable(String)

        public var description: String {
            switch self {
            case .download(let error): return error.description
            case .noVideo(let tried):
                if tried.count == 1 { return "the file at \(tried[0].url) \(tried[0].reason); nothing was saved" }
                return "no result URL gave a complete video; nothing was saved. Tried: "
                    + tried.map { "\($0.url) (\($0.reason))" }.joined(separator: "; ")
            case .unwritable(let path): return "\(path): cannot save the output here"
            }
        }
    }

    /// A candidate URL passed over, and why ("is not a complete video", "answered 404"…).
    public struct SkippedURL: Sendable, Equatable, Encodable {
        public let url: String
        public let reason: String
        /// The HTTP status its host answered instead of the file, when that was why.
        public let status: Int?

        public init(url: String, reason: String, status: Int? = nil) {
            self.url = url
            self.reason = reason
            self.status = status
        }

        /// The link itself was refused (401, 403, 404, 410): an expired signature, a moved file,
        /// what a fresh link from the API may mend; not a file that is there but no video.
        public var linkRefused: Bool { status.map { [401, 403, 404, 410].contains($0) } ?? false }
    }

    /// What was saved, and from which URL.
    public struct Saved: Sendable {
        public let info: MediaInfo
        public let url: String
    }

    /// Tries `urls` in order until one gives a complete video, and saves it at `destination`.
    /// `skipped` hears each candidate passed over.
    @discardableResult
    public static func fetch(_ urls: [String], to destination: String, maxBytes: Int64 = Downloader.defaultMaxBytes,
                             attempts: Int = Downloader.defaultAttempts,
                             progress: (@Sendable (TransferProgress) -> Void)? = nil,
                             skipped: (SkippedURL) -> Void = { _ in }) async throws(Failure) -> Saved {
        let target = URL(fileURLWithPath: destination)
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).download.mp4").path
        var tried: [SkippedURL] = []
        for url in urls {
            let reason: String
            var status: Int?
            do {
                let receipt = try await Downloader(maxAttempts: attempts, maxBytes: maxBytes).download(url, to: staging, progress: progress)
                if let type = receipt.contentType, let kind = notVideo(contentType: type) {
                    reason = "has the content type \(kind)"
                } else if let info = try? Probe.file(atPath: staging), info.primaryVideo != nil, !info.format.isImage,
                          info.format.truncated != true {
                    do { try SystemCalls.rename(staging, to: destination) } catch {
                        SystemCalls.remove(staging)
                        throw Failure.unwritable(destination)
                    }
                    SystemCalls.syncFolder(URL(fileURLWithPath: destination).deletingLastPathComponent().path)
                    return Saved(info: info, url: url)
                } else {
                    reason = "is not a complete video"
                }
            } catch let failure as Failure {
                throw failure
            } catch let error as DownloadError {
                // A candidate that will not give its bytes is passed over; trouble that is not the
                // candidate's (the network, the disk, Ctrl-C, the cap) stops here.
                switch error {
                case .status(let answered, _):
                    status = answered
                    reason = "answered \(answered)"
                case .unwritable(_, let why):
                    // The hidden file it was streamed into is no name to give: the result's is.
                    throw .download(.unwritable(destination, why))
                default:
                    throw .download(error)
                }
            } catch {
                throw .download(.transport(.other(host: "?", code: -1, detail: "\(error)", requestSent: true)))
            }
            SystemCalls.remove(staging)
            let skip = SkippedURL(url: Redaction.url(url), reason: reason, status: status)
            tried.append(skip)
            skipped(skip)
        }
        throw .noVideo(tried: tried)
    }

    /// A content type that says the body is not a video, named; nil when it may be one.
    static func notVideo(contentType: String) -> String? {
        let type = contentType.split(separator: ";").first.map { $0.lowercased().filter { !$0.isWhitespace } } ?? ""
        for prefix in ["image/", "text/", "audio/"] where type.hasPrefix(prefix) { return type }
        return ["application/json", "application/xml", "application/pdf"].contains(type) ? type : nil
    }

}
