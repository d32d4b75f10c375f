/// Why a file could not be probed at all. Each says what is wrong with the file in one line.
public enum ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case isDirectory(path: String)
    case notRegularFile(path: String)
    case empty(path: String)
    case unreadable(path: String, reason: String)
    /// FFmpeg recognises no media format in the file.
    case notMedia(path: String)
    /// FFmpeg recognises the format but cannot read the file.
    case damaged(path: String, format: String, reason: String)
    /// A HEIF image ("HEIC", "AVIF") this FFmpeg cannot read: not damaged, only unsupported here.
    case unreadableImage(path: String, kind: String)

    public var path: String {
        switch self {
        case .notFound(let path), .isDirectory(let path), .notRegularFile(let path), .empty(let path),
             .unreadable(let path, _), .notMedia(let path), .damaged(let path, _, _), .unreadableImage(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .notFound(let path):
            let lowered = path.lowercased()
            if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
                // Nothing here fetches the network: a URL is read as a file name, and is not one.
                return "\(path): a URL; only files on disk are probed, nothing is fetched. Download it first "
                    + "(`kling-media download URL -o clip.mp4`), then give the file"
            }
            return "\(path): no such file"
        case .isDirectory(let path):
            return "\(path): is a directory, not a media file"
        case .notRegularFile(let path):
            return "\(path): not a regular file (a device, pipe or socket); give the path of a media file"
        case .empty(let path):
            return "\(path): the file is empty (0 bytes); was it downloaded or copied completely?"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason))"
        case .notMedia(let path):
            return "\(path): not a video, audio or image file that FFmpeg recognises"
        case .unreadableImage(let path, let kind):
            return "\(path): a \(kind) image (\(kind == "HEIC" ? "what iPhones save photos as" : "HEIF")), which this system's FFmpeg "
                + "cannot read; save it as JPEG or PNG (on a Mac: `sips -s format jpeg IN --out OUT.jpg`)"
        case .damaged(let path, let format, let reason):
            return "\(path): a damaged \(format) file (FFmpeg: \(reason)); "
                + "a download or copy cut short loses an MP4's index this way: fetch or export it again"
        }
    }
}
