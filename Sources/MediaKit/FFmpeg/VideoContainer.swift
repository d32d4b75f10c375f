/// The container a clip is written in, decided by the output's extension (as ffmpeg decides it),
/// so a `.mov` is never an MP4 with the wrong name.
public enum VideoContainer: String, Sendable, Equatable, CaseIterable {
    case mp4
    case quickTime

    /// The container for an output named `path`: `.mp4` or `.mov` (any case); nil for any other.
    public init?(forOutput path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "mp4": self = .mp4
        case "mov": self = .quickTime
        default: return nil
        }
    }

    /// The extensions taken, for messages.
    public static let choices = ".mp4 (MP4) or .mov (QuickTime)"

    /// Its name, for people.
    public var name: String {
        switch self {
        case .mp4: "MP4"
        case .quickTime: "QuickTime"
        }
    }

    /// FFmpeg's muxer.
    var muxer: String {
        switch self {
        case .mp4: "mp4"
        case .quickTime: "mov"
        }
    }
}
