import MediaKit

/// What Kling O1 returns, as documented (shared/docs/kling-o1-limits.md, "Output"): H.264 MP4 at
/// 24 fps, the requested duration, a size fixed by the aspect ratio (standard mode: 1280×720,
/// 960×960, 720×1280; `auto` is the fixed ratio nearest the input), no generated sound. Real
/// shots may differ (pro mode is larger): what a run sees is learned and preferred over this.
public enum KlingO1Output {
    public static let frameRate = Rational(24, 1)

    /// Room to keep on disk for one shot before paying for it: 10 s at 1080p at 32 Mb/s, above
    /// what the model returns (standard 720p shots are a few MB), so a shot is not refused a
    /// place it would have fitted in only by luck.
    public static let roomForAShot: Int64 = 40_000_000

    /// The aspect ratio the shot will have: as requested, or for `auto` the nearest fixed one to
    /// the clip's displayed picture (16:9 when it cannot be read).
    public static func aspect(_ requested: AspectRatioOption, clip: MediaInfo?) -> AspectRatioOption {
        guard requested == .auto else { return requested }
        guard let video = clip?.primaryVideo, let width = video.displayWidth, let height = video.displayHeight else { return .landscape }
        return AspectChoice(displayWidth: width, displayHeight: height, requested: .auto).nearest
    }

    /// The shot's size for a fixed aspect ratio.
    public static func size(_ aspect: AspectRatioOption) -> PixelSize {
        switch aspect {
        case .portrait: PixelSize(width: 720, height: 1280)
        case .square: PixelSize(width: 960, height: 960)
        case .landscape, .auto: PixelSize(width: 1280, height: 720)
        }
    }

    /// The documented shot for a request.
    public static func predictedShot(aspect requested: AspectRatioOption, clip: MediaInfo?, duration: Int) -> ShotPrediction {
        let size = size(aspect(requested, clip: clip))
        return ShotPrediction(width: size.width, height: size.height, frameRate: frameRate,
                              frameCount: duration * Int(frameRate.numerator / max(frameRate.denominator, 1)))
    }
}
