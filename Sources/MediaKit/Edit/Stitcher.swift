internal import CFFmpeg

/// What the stitched output's picture should be.
public enum StitchTarget: Sendable, Equatable {
    /// The first clip's displayed size and frame rate.
    case first
    /// The last clip's: for a Kling continuation, the generated shot.
    case last
    case custom(PixelSize, Rational)
}

public struct StitchOptions: Sendable, Equatable {
    public var target: StitchTarget = .last
    public var crf = 18
    public var preset = "veryfast"
    /// Copy every clip's streams when they are all alike (no re-encoding at all).
    public var allowCopy = true
    /// Copy the packets of a clip that already matches the output, re-encoding only the others.
    public var allowPassthrough = true
    /// Seconds over which each clip fades into the next (picture and sound); 0 cuts straight.
    /// The output is shorter by that much at every joint.
    public var crossfade = 0.0
    /// Replace a file already at the output; without it, the file is kept and `.outputExists` thrown.
    public var replaceExisting = false

    public init(target: StitchTarget = .last) {
        self.target = target
    }
}

/// What `stitch` made, and what it did with each clip.
public struct StitchReport: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable {
        /// Every stream copied; nothing re-encoded.
        case streamCopy = "stream_copy"
        /// One size, rate and sound format; clips that already match are passed through.
        case normalised
    }

    public enum Action: String, Codable, Sendable {
        case copied
        case passedThrough = "passed_through"
        case reencoded = "re_encoded"
    }

    /// A stretch of a clip, seconds from its start.
    public struct Span: Codable, Sendable, Equatable {
        public let from: Double
        public let to: Double

        public init(from: Double, to: Double) {
            self.from = from
            self.to = to
        }
    }

    public struct Clip: Codable, Sendable, Equatable {
        public let path: String
        public let action: Action
        public let reason: String
        /// Where the clip starts in the output, and how long it lasts there, seconds.
        public let start: Double
        public let duration: Double
        /// For a clip passed through: the part of it whose packets were copied untouched.
        public var copied: Span?
    }

    public let output: String
    public let method: Method
    /// Why the method was chosen (for normalised: the first difference found between the clips).
    public let reason: String
    public let width: Int
    public let height: Int
    public let frameRate: Rational?
    public let duration: Double
    public let audio: Bool
    /// The cross-fade at each joint, seconds (a whole number of frames), when there is one.
    public var crossfade: Double?
    public let clips: [Clip]

    enum CodingKeys: String, CodingKey {
        case output, method, reason, width, height, duration, audio, crossfade, clips
        case frameRate = "frame_rate"
    }
}

/// Joins clips in order into one MP4. Alike clips are stream-copied; otherwise everything is
/// brought to one size, square pixels, frame rate and sound format, and any clip that already is
/// in that form (a generated continuation, typically) keeps its packets untouched.
public enum Stitcher {
    /// Runs on MediaKit's own threads (see `MediaThreads`); cancelling the task stops it and leaves no output.
    public static func stitch(_ inputs: [String], to output: String, options: StitchOptions = StitchOptions(),
                              progress: @escaping @Sendable (_ done: Double, _ total: Double) -> Void = { _, _ in }) async throws(EditError) -> StitchReport {
        try await MediaThreads.run { () throws(EditError) in try stitchHere(inputs, to: output, options: options, progress: progress) }
    }

    static func stitchHere(_ inputs: [String], to output: String, options: StitchOptions,
                           progress: @escaping (_ done: Double, _ total: Double) -> Void) throws(EditError) -> StitchReport {
        guard !inputs.isEmpty else { throw .invalidOption("give at least one clip to stitch") }
        try OutputPath.check(output, against: inputs, replacing: options.replaceExisting)
        var clips: [StitchClip] = []
        for path in inputs { clips.append(try StitchClip(path: path)) }
        guard options.crossfade >= 0, options.crossfade.isFinite else { throw .invalidOption("a cross-fade lasts 0 seconds or more") }
        let fading = options.crossfade > 0 && clips.count > 1
        let comparison = StreamCopier.compare(clips)
        if options.allowCopy, !fading, comparison == .alike {
            return try StreamCopier.copy(clips, to: output, replacing: options.replaceExisting, progress: progress)
        }
        let reason = if fading { "a cross-fade re-encodes around each joint" }
            else if case .different(let difference) = comparison { difference } else { "stream copy was turned off" }
        return try Normaliser(clips: clips, options: options, output: output, reason: reason).run(progress: progress)
    }
}

/// A clip to stitch: its facts, read once.
struct StitchClip {
    let path: String
    let info: MediaInfo
    let video: StreamInfo
    /// The codec header (for H.264 in MP4, the avcC record), to compare clips and merge them.
    let extradata: [UInt8]
    let codecTag: String
    /// The video's length: where the next clip starts.
    let seconds: Double

    init(path: String) throws(EditError) {
        let opened: (file: MediaFile, info: MediaInfo)
        do { opened = try Probe.open(atPath: path) } catch { throw .unreadable(error) }
        guard let video = opened.info.primaryVideo, !opened.info.format.isImage else { throw .noVideo(path) }
        self.path = path
        info = opened.info
        self.video = video
        let stream = opened.file.streams.first { Int($0.pointee.index) == video.index }
        let parameters = stream?.pointee.codecpar
        if let parameters, let data = parameters.pointee.extradata, parameters.pointee.extradata_size > 0 {
            extradata = Array(UnsafeBufferPointer(start: data, count: Int(parameters.pointee.extradata_size)))
        } else {
            extradata = []
        }
        codecTag = video.codecName ?? "unknown"
        seconds = video.duration ?? opened.info.format.duration ?? 0
        guard seconds > 0 else { throw .nothingLeft(path, seconds: 0) }
    }
}
