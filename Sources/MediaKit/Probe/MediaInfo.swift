/// What a media file holds, as probed in-process: the facts `kling-media probe` prints.
///
/// Its JSON form is the documented, stable schema of `probe --json`. Names follow ffprobe's
/// `-show_format -show_streams -of json` wherever ffprobe has the fact, so scripts written for
/// ffprobe read it unchanged, with one difference: values that are numbers are JSON numbers here
/// (ffprobe prints many of them as strings). Unknown values are left out, as ffprobe leaves out
/// "N/A". Facts ffprobe lacks have names of our own, listed on `StreamInfo`.
public struct MediaInfo: Codable, Sendable, Equatable {
    public var format: FormatInfo
    public var streams: [StreamInfo]
    /// A picture stored as tiles (an iPhone's HEIC photo, read by FFmpeg 7.1 and later); absent otherwise.
    public var tileGrid: TileGrid?

    public init(format: FormatInfo, streams: [StreamInfo], tileGrid: TileGrid? = nil) {
        self.format = format
        self.streams = streams
        self.tileGrid = tileGrid
    }

    /// The picture the file is about: the first video stream that is not cover art; for a tiled
    /// picture, its first tile's stream at the whole picture's size (a tile is not the picture,
    /// and a file's first stream may be its thumbnail).
    public var primaryVideo: StreamInfo? {
        guard let grid = tileGrid, let first = grid.tiles.first,
              var tile = streams.first(where: { $0.index == first.stream }) else {
            return streams.first { $0.codecType == .video && !$0.isAttachedPicture }
        }
        tile.width = grid.width
        tile.height = grid.height
        tile.codedWidth = grid.canvasWidth
        tile.codedHeight = grid.canvasHeight
        tile.storedAspectRatio = nil
        // The grid's turn is the picture's (its tiles have none of their own).
        tile.rotation = grid.rotation
        let display = DisplaySize(storedWidth: grid.width, storedHeight: grid.height, sampleAspect: tile.sampleAspectRatio,
                                  rotation: grid.rotation)
        tile.displayWidth = display.width
        tile.displayHeight = display.height
        tile.displayAspectRatio = display.aspect
        return tile
    }

    enum CodingKeys: String, CodingKey {
        case format, streams
        case tileGrid = "tile_grid"
    }

    /// The first audio stream, if any.
    public var primaryAudio: StreamInfo? {
        streams.first { $0.codecType == .audio }
    }
}

/// Container-level facts (ffprobe's `format` section).
public struct FormatInfo: Codable, Sendable, Equatable {
    /// The path as it was given.
    public var filename: String
    /// FFmpeg's demuxer name, e.g. `"mov,mp4,m4a,3gp,3g2,mj2"` or `"png_pipe"`.
    public var formatName: String
    public var formatLongName: String?
    public var streamCount: Int
    /// Seconds; absent for a still image.
    public var duration: Double?
    public var startTime: Double?
    /// Bytes on disk.
    public var size: Int64
    /// Bits per second over the whole file.
    public var bitRate: Int64?
    /// Set (and only then present in JSON) when the container's index refers to bytes past the end
    /// of the file: a download or copy cut short.
    public var truncated: Bool?
    /// The container's metadata (ffprobe's `format.tags`); absent when it has none.
    public var tags: [String: String]?
    /// "HEIC" or "AVIF" for a HEIF image, which FFmpeg reads with its MP4 demuxer as a one-frame
    /// video: a photo all the same. Not in JSON (ffprobe has no such field; `format_name` is `mov,…`).
    public var imageContainer: String? = nil

    public init(filename: String, formatName: String, formatLongName: String? = nil, streamCount: Int,
                duration: Double? = nil, startTime: Double? = nil, size: Int64, bitRate: Int64? = nil,
                truncated: Bool? = nil, imageContainer: String? = nil) {
        self.filename = filename
        self.formatName = formatName
        self.formatLongName = formatLongName
        self.streamCount = streamCount
        self.duration = duration
        self.startTime = startTime
        self.size = size
        self.bitRate = bitRate
        self.truncated = truncated
        self.imageContainer = imageContainer
    }

    /// Whether the file is a still image (or a numbered image sequence, or a HEIF image) rather than a timed stream.
    public var isImage: Bool { Self.isImageDemuxer(formatName) || imageContainer != nil }

    /// FFmpeg reads still images with `image2` (chosen by file name) or a `*_pipe` demuxer
    /// (chosen by content: `png_pipe`, `jpeg_pipe`, `webp_pipe`, …).
    static func isImageDemuxer(_ name: String) -> Bool {
        name == "image2" || name.hasSuffix("_pipe")
    }

    /// The demuxer's names one by one (`mov,mp4,…` is one demuxer for several containers).
    public var formatNames: [String] { formatName.split(separator: ",").map(String.init) }

    enum CodingKeys: String, CodingKey {
        case filename
        case formatName = "format_name"
        case formatLongName = "format_long_name"
        case streamCount = "nb_streams"
        case duration
        case startTime = "start_time"
        case tags
        case size
        case bitRate = "bit_rate"
        case truncated
    }
}
