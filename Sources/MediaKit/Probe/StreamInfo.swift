/// The kind of data a stream carries (ffprobe's `codec_type`).
public enum MediaKind: String, Codable, Sendable {
    case video, audio, subtitle, data, attachment, unknown
}

/// One stream of a media file (an element of ffprobe's `streams` array).
///
/// Names of our own, which ffprobe does not print:
/// - `rotation`: degrees clockwise, 0 ..< 360, that a player turns the picture to display it
///   (ffprobe prints the display matrix's counter-clockwise angle in `side_data_list`).
/// - `display_width`, `display_height`: the picture as shown, after sample aspect and rotation.
/// - `display_aspect_ratio`: of the displayed picture, so after rotation too (ffprobe's is before).
/// - `variable_frame_rate`: whether frame durations differ.
/// - `bit_depth`: bits per component of the pixel format.
/// - `attached_pic`: whether the stream is cover art, a still picture stored as a one-frame video
///   stream (ffprobe has it as `disposition.attached_pic`).
public struct StreamInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var codecName: String?
    public var codecLongName: String?
    public var profile: String?
    public var codecType: MediaKind

    // Video
    public var width: Int?
    public var height: Int?
    public var codedWidth: Int?
    public var codedHeight: Int?
    public var sampleAspectRatio: AspectRatio?
    public var pixelFormat: String?
    public var bitDepth: Int?
    public var rotation: Int?
    public var displayWidth: Int?
    public var displayHeight: Int?
    public var displayAspectRatio: AspectRatio?

    // Audio
    public var sampleFormat: String?
    public var sampleRate: Int?
    public var channels: Int?
    public var channelLayout: String?

    /// The lowest rate that represents every timestamp (ffprobe's `r_frame_rate`).
    public var nominalFrameRate: Rational
    /// Frames divided by duration (ffprobe's `avg_frame_rate`).
    public var averageFrameRate: Rational
    public var isVariableFrameRate: Bool?
    public var timeBase: Rational
    public var duration: Double?
    public var bitRate: Int64?
    /// Frames (video) or packets (audio) the container declares; absent where it does not say.
    public var frameCount: Int?
    public var isAttachedPicture: Bool

    public init(index: Int, codecType: MediaKind, codecName: String? = nil, codecLongName: String? = nil,
                profile: String? = nil, timeBase: Rational = Rational(0, 0), duration: Double? = nil,
                bitRate: Int64? = nil, frameCount: Int? = nil, isAttachedPicture: Bool = false,
                width: Int? = nil, height: Int? = nil, codedWidth: Int? = nil, codedHeight: Int? = nil,
                sampleAspectRatio: AspectRatio? = nil, pixelFormat: String? = nil, bitDepth: Int? = nil,
                rotation: Int? = nil, displayWidth: Int? = nil, displayHeight: Int? = nil,
                displayAspectRatio: AspectRatio? = nil, nominalFrameRate: Rational = Rational(0, 0),
                averageFrameRate: Rational = Rational(0, 0), isVariableFrameRate: Bool? = nil,
                sampleRate: Int? = nil, channels: Int? = nil, channelLayout: String? = nil,
                sampleFormat: String? = nil) {
        self.index = index
        self.codecType = codecType
        self.codecName = codecName
        self.codecLongName = codecLongName
        self.profile = profile
        self.timeBase = timeBase
        self.duration = duration
        self.bitRate = bitRate
        self.frameCount = frameCount
        self.isAttachedPicture = isAttachedPicture
        self.width = width
        self.height = height
        self.codedWidth = codedWidth
        self.codedHeight = codedHeight
        self.sampleAspectRatio = sampleAspectRatio
        self.pixelFormat = pixelFormat
        self.bitDepth = bitDepth
        self.rotation = rotation
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.displayAspectRatio = displayAspectRatio
        self.nominalFrameRate = nominalFrameRate
        self.averageFrameRate = averageFrameRate
        self.isVariableFrameRate = isVariableFrameRate
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFormat = sampleFormat
    }

    /// The frame rate to judge a clip by: the average where known, else the nominal rate.
    public var frameRate: Double? {
        averageFrameRate.value ?? nominalFrameRate.value
    }

    enum CodingKeys: String, CodingKey {
        case index
        case codecName = "codec_name"
        case codecLongName = "codec_long_name"
        case profile
        case codecType = "codec_type"
        case width, height
        case codedWidth = "coded_width"
        case codedHeight = "coded_height"
        case sampleAspectRatio = "sample_aspect_ratio"
        case pixelFormat = "pix_fmt"
        case bitDepth = "bit_depth"
        case rotation
        case displayWidth = "display_width"
        case displayHeight = "display_height"
        case displayAspectRatio = "display_aspect_ratio"
        case nominalFrameRate = "r_frame_rate"
        case averageFrameRate = "avg_frame_rate"
        case isVariableFrameRate = "variable_frame_rate"
        case timeBase = "time_base"
        case duration
        case bitRate = "bit_rate"
        case frameCount = "nb_frames"
        case sampleFormat = "sample_fmt"
        case sampleRate = "sample_rate"
        case channels
        case channelLayout = "channel_layout"
        case isAttachedPicture = "attached_pic"
    }
}
