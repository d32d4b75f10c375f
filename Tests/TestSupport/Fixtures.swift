import Foundation

/// The committed media files in `fixtures/`, made by `fixtures/make-fixtures.sh`.
public enum Fixtures {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // TestSupport
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .appendingPathComponent("fixtures")

    /// The package's root, where the README is.
    public static var repositoryRoot: String { directory.deletingLastPathComponent().path }

    public static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Every fixture FFmpeg can read, for tests that compare all of them with ffprobe.
    public static let readable = [
        "landscape.mp4", "portrait.mp4", "square.mov", "anamorphic.mp4", "no_audio.mp4", "rotated.mp4",
        "ntsc_film.mp4", "vfr.mp4", "nonsquare_narrow.mp4", "too_short.mp4", "too_long.mp4",
        "too_small.mp4", "too_large_size.mp4", "low_fps.mp4", "high_fps.mp4", "wrong_container.mkv",
        "audio_only.m4a", "truncated_faststart.mp4", "image_as_video.mp4", "video_as_image.png",
        "ref_ok.png", "ref_ok.jpg", "ref_wide_limit.png", "ref_too_small.png", "ref_too_wide.png",
        "ref_too_tall.png", "ref.webp",
    ]
}
