internal import CFFmpeg

/// Process-wide set-up of FFmpeg's libraries, done once before the first call into them.
enum FFmpegLibrary {
    /// MediaKit never prints: FFmpeg's own logging (to stderr by default) is silenced, and what
    /// went wrong reaches the caller as a typed error instead.
    static let silenced: Void = {
        av_log_set_level(AV_LOG_QUIET)
    }()

    static func prepare() { _ = silenced }
}

/// The versions of the FFmpeg libraries this process runs with, for bug reports.
public struct FFmpegVersions: Codable, Sendable, Equatable {
    public let libavformat: String
    public let libavcodec: String
    public let libavutil: String

    public static var current: FFmpegVersions {
        FFmpegVersions(
            libavformat: dotted(avformat_version()),
            libavcodec: dotted(avcodec_version()),
            libavutil: dotted(avutil_version())
        )
    }

    /// FFmpeg packs a version as major << 16 | minor << 8 | micro.
    private static func dotted(_ packed: UInt32) -> String {
        "\(packed >> 16).\((packed >> 8) & 0xFF).\(packed & 0xFF)"
    }
}
