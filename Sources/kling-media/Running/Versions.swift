import HTTP
import MediaKit

/// What `kling-media --version` prints: ours and the C libraries' we run on, for bug reports.
enum Versions {
    static let tool = "0.1.0"

    static var summary: String {
        let ffmpeg = FFmpegVersions.current
        return "\(tool) (libavformat \(ffmpeg.libavformat), libavcodec \(ffmpeg.libavcodec), "
            + "libavutil \(ffmpeg.libavutil), libcurl \(CurlLibrary.version))"
    }
}
