import MediaKit
/// What Kling O1 video-to-video reference accepts: the one table every rule reads.
///
/// Collected in `shared/docs/kling-o1-limits.md` from the providers' public references; where they
/// differ, the strictest wins. Each row names its source, so a change of the model's rules is a
/// one-line edit here.
public struct KlingO1Limits: Sendable, Equatable {
    // MARK: Input video (@Video1)

    /// fal.ai schema: ".mp4 or .mov only". Both are read by FFmpeg's `mov` demuxer family.
    public var videoExtensions: Set<String> = ["mp4", "mov"]
    /// fal.ai schema: "3-10 seconds", enforced as 3.0 s to 10.05 s.
    public var videoDuration: ClosedRange<Double> = 3.0...10.05
    /// fal.ai schema: min/max width and height, each side.
    public var videoSide: ClosedRange<Int> = 720...2160
    /// fal.ai schema: 200 MB, read as decimal megabytes (the stricter reading).
    public var videoMaxBytes: Int64 = 200_000_000
    /// fal.ai schema and Kling: 24 to 60 fps. Whether 23.976 passes "min 24.0" is undocumented.
    public var videoFrameRate: ClosedRange<Double> = 24.0...60.0
    /// Rates from here up to the minimum are film rate, 24000/1001 = 23.976, which cameras and
    /// phones record as "24": a warning, not an error, since the limit's reading is undocumented.
    public var filmRateFloor = 23.97

    // MARK: Reference images (@Image1…) and elements (@Element1…)

    /// Kling schema via Comfy docs: .jpg, .jpeg, .png.
    public var imageExtensions: Set<String> = ["jpg", "jpeg", "png"]
    /// The codecs those files hold, as FFmpeg names them.
    public var imageCodecs: Set<String> = ["png", "mjpeg"]
    /// Kling schema; fal.ai: 10 MB, read as decimal megabytes.
    public var imageMaxBytes: Int64 = 10_000_000
    /// Kling schema; fal.ai: each side at least 300 px.
    public var imageMinSide = 300
    /// Kling schema; fal.ai: width / height from 1:2.5 to 2.5:1.
    public var imageAspect: ClosedRange<Double> = 0.4...2.5
    /// fal.ai, Kling, Runware: at most 4 images and elements together when a video is given.
    public var maxReferences = 4
    /// fal.ai schema: an element is one frontal image plus 1 to 3 reference images.
    public var elementReferenceImages: ClosedRange<Int> = 1...3

    // MARK: Request

    /// Kling schema, Higgsfield, fal.ai: at most 2,500 characters. Counted in UTF-16 units, the
    /// largest of the usual counts (JavaScript's `length`), so no provider counts more.
    public var promptMaxLength = 2500
    /// Segmind: allowed output durations in seconds.
    public var outputDurations: [Int] = [5, 10]

    public init() {}

    /// The rules as documented today.
    public static let current = KlingO1Limits()
}
