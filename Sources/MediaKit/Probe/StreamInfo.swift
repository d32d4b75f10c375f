/// The kind of data a stream carries (ffprobe's `codec_type`).
public enum MediaKind: String, Codable, Sendable {
    case video, audio, subtitle, data, attachment, unknown
}

/// One stream of a media file (an element of ffprobe's `streams` array). Every name ffprobe
/// prints holds ffprobe's value for the same file: `display_aspect_ratio` is the stored size times
/// the sample aspect (before any rotation), and the display matrix is in `side_data_list` with
/// ffprobe's counter-clockwise `rotation`.
///
/// Names of our own, which ffprobe does not use:
/// - `displayed`: the picture as a player shows it, after sample aspect and rotation: `width`,
///   `height`, `aspect_ratio`, and `rotation_cw`, the degrees clockwise (0 ..< 360) it is turned.
/// - `variable_frame_rate`: whether frame durations differ.
/// - `bit_depth`: bits per component of the pixel format.
/// - `attached_pic`: whether the stream is cover art, a still picture stored as a one-frame video
///   stream (ffprobe has it as `disposition.attached_pic`).
public struct StreamInfo: Codable, Sendable, Equatable {
    /// The picture as shown (kling-media's `displayed` group).
    public struct DisplayedPicture: Codable, Sendable, Equatable {
        public var width: Int?
        public var height: Int?
        public var aspectRatio: AspectRatio?
        /// Degrees clockwise, 0 ..< 360, that a player turns the stored picture.
        public var rotationClockwise: Int?

        public init(width: Int? = nil, height: Int? = nil, aspectRatio: AspectRatio? = nil, rotationClockwise: Int? = nil) {
            self.width = width
            self.height = height
            self.aspectRatio = aspectRatio
            self.rotationClockwise = rotationClockwise
        }

        enum CodingKeys: String, CodingKey {
            case width, height
            case aspectRatio = "aspect_ratio"
            case rotationClockwise = "rotation_cw"
        }
    }

    /// An entry of ffprobe's `side_data_list`; only the display matrix is read.
    public struct SideData: Codable, Sendable, Equatable {
        public var sideDataType: String
        /// The matrix as ffprobe prints it: a row per line, `%08x: ` then three ` %11d` values.
        public var displaymatrix: String?
        /// The matrix's counter-clockwise angle, truncated to whole degrees as ffprobe prints it.
        public var rotation: Int?

        enum CodingKeys: String, CodingKey {
            case sideDataType = "side_data_type"
            case displaymatrix, rotation
        }

        /// The entry for a display matrix (nine values, row by row).
        public static func displayMatrix(_ values: [Int32], counterClockwise: Double?) -> SideData {
            var text = "\n"
            for row in 0..<3 {
                let number = String(row, radix: 16)
                text += String(repeating: "0", count: 8 - number.count) + number + ": "
                for column in 0..<3 {
                    let value = String(values[row * 3 + column])
                    text += " " + String(repeating: " ", count: max(0, 11 - value.count)) + value
                }
                text += "\n"
            }
            return SideData(sideDataType: "Display Matrix", displaymatrix: text, rotation: counterClockwise.map { Int($0) })
        }
    }

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
    /// ffprobe's colour facts, by FFmpeg's names (`tv`, `bt709`, `arib-std-b67` …); absent when the
    /// stream does not say (ffprobe's "unknown").
    public var colorRange: String?
    public var colorSpace: String?
    public var colorTransfer: String?
    public var colorPrimaries: String?
    /// ffprobe's `display_aspect_ratio`: the stored size times the sample aspect, reduced, before
    /// any rotation; absent when the sample aspect is unknown (as ffprobe leaves it out).
    public var storedAspectRatio: AspectRatio?
    public var sideDataList: [SideData]?
    public var displayed: DisplayedPicture?

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
    /// Seconds (ffprobe's stream `start_time`).
    public var startTime: Double?
    /// The stream's metadata; absent when it has none (as ffprobe leaves it out).
    public var tags: [String: String]?
    /// ffprobe's `disposition`: every flag this FFmpeg knows, 0 or 1.
    public var disposition: [String: Int]?

    /// Degrees clockwise, 0 ..< 360, that a player turns the picture (0 for a video without a
    /// display matrix); nil for other streams.
    public var rotation: Int? {
        get { displayed?.rotationClockwise }
        set { displayed = (displayed ?? DisplayedPicture()).with { $0.rotationClockwise = newValue } }
    }

    /// The width shown, after sample aspect and rotation.
    public var displayWidth: Int? {
        get { displayed?.width }
        set { displayed = (displayed ?? DisplayedPicture()).with { $0.width = newValue } }
    }

    /// The height shown, after sample aspect and rotation.
    public var displayHeight: Int? {
        get { displayed?.height }
        set { displayed = (displayed ?? DisplayedPicture()).with { $0.height = newValue } }
    }

    /// The proportion of the picture as shown: after sample aspect and rotation (unlike ffprobe's
    /// `display_aspect_ratio`, `storedAspectRatio` here).
    public var displayAspectRatio: AspectRatio? {
        get { displayed?.aspectRatio }
        set { displayed = (displayed ?? DisplayedPicture()).with { $0.aspectRatio = newValue } }
    }

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
        if rotation != nil || displayWidth != nil || displayHeight != nil || displayAspectRatio != nil {
            displayed = DisplayedPicture(width: displayWidth, height: displayHeight, aspectRatio: displayAspectRatio,
                                         rotationClockwise: rotation)
        }
        self.nominalFrameRate = nominalFrameRate
        self.averageFrameRate = averageFrameRate
        self.isVariableFrameRate = isVariableFrameRate
        self.sampleRate = sampleRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleFormat = sampleFormat
    }

    /// "PQ" or "HLG" for a high-dynamic-range picture (by its transfer function), else nil.
    public var highDynamicRange: String? {
        switch colorTransfer {
        case "smpte2084": return "PQ"
        case "arib-std-b67": return "HLG"
        default: return nil
        }
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
        case colorRange = "color_range"
        case colorSpace = "color_space"
        case colorTransfer = "color_transfer"
        case colorPrimaries = "color_primaries"
        case storedAspectRatio = "display_aspect_ratio"
        case sideDataList = "side_data_list"
        case displayed
        case startTime = "start_time"
        case tags, disposition
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

extension StreamInfo.DisplayedPicture {
    fileprivate func with(_ change: (inout Self) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}
