internal import CFFmpeg

/// One clip's part of an output: which stretch of the clip, and where it lands.
struct Segment {
    let path: String
    let info: MediaInfo
    let video: StreamInfo
    /// Seconds into the clip where the part starts, and how long it is.
    let start: Double
    let duration: Double
    /// The output frames it fills: [first, first + count).
    var firstFrame: Int64 = 0
    var frameCount: Int64 = 0
}

/// Writes clips one after another into one MP4 on one clock: the picture at a constant frame rate
/// (frame n shows at n / rate), the sound as a continuous 48 kHz track cut to the same joints.
/// Each clip is either re-encoded (decoded, fitted, retimed) or, when it already matches the
/// output, passed through with its packets untouched.
final class OutputTimeline {
    let writer: MP4Writer
    let video: VideoTrackWriter
    let audio: AudioTrackWriter?
    private let rate: Rational
    private let framesPerSecond: Double
    private let progress: (Double) -> Void

    init(writer: MP4Writer, video: VideoTrackWriter, audio: AudioTrackWriter?, progress: @escaping (Double) -> Void) {
        self.writer = writer
        self.video = video
        self.audio = audio
        rate = video.settings.frameRate
        framesPerSecond = rate.value ?? 24
        self.progress = progress
    }

    /// The number of output frames `seconds` of a clip fill.
    static func frameCount(seconds: Double, rate: Rational) -> Int64 {
        max(1, Int64((seconds * (rate.value ?? 24)).rounded()))
    }

    func seconds(atFrame frame: Int64) -> Double { Double(frame) / framesPerSecond }

    private func audioRange(_ segment: Segment) -> Range<Int64> {
        AudioTrackWriter.sample(at: seconds(atFrame: segment.firstFrame))
            ..< AudioTrackWriter.sample(at: seconds(atFrame: segment.firstFrame + segment.frameCount))
    }

    // MARK: Re-encoding

    /// Decodes the segment's stretch of the clip and encodes it at the output's size and rate.
    /// Frames are placed by their timestamps (`fps` semantics: each output frame shows the input
    /// frame nearest its time; late frames are repeated, surplus ones dropped), so a variable
    /// frame rate or a different rate comes out constant.
    func reencode(_ segment: Segment) throws {
        let decoder = try StreamDecoder(path: segment.path, streamIndex: segment.video.index, from: segment.start)
        let stored = PixelSize(width: Int(decoder.context.pointee.width), height: Int(decoder.context.pointee.height))
        let display = DisplaySize(storedWidth: stored.width, storedHeight: stored.height,
                                  sampleAspect: segment.video.sampleAspectRatio, rotation: segment.video.rotation)
        let displayed = PixelSize(width: display.width, height: display.height)
        let fitter = PictureFitter(target: video.settings.size, displayed: displayed, rotation: segment.video.rotation)
        var sound = try SegmentSound(timeline: self, segment: segment, range: audioRange(segment))
        var held: Frame?
        var next: Int64 = 0
        func emit(until index: Int64) throws {
            guard let held else { return }
            let passesAsIs = held.raw.pointee.format == AV_PIX_FMT_YUV420P.rawValue
                && PictureFitter.isIdentity(stored: PixelSize(width: Int(held.raw.pointee.width), height: Int(held.raw.pointee.height)),
                                            displayed: displayed, rotation: segment.video.rotation, target: video.settings.size)
            while next < min(index, segment.frameCount) {
                try Task.checkCancellation()
                let number = segment.firstFrame + next
                if passesAsIs {
                    try video.encode(held, number: number)
                } else {
                    let picture = try video.pictureToFill()
                    try fitter.fit(held, into: picture)
                    try video.encode(picture, number: number)
                }
                next += 1
                try sound.advance(toSeconds: seconds(atFrame: segment.firstFrame + next))
                progress(seconds(atFrame: segment.firstFrame + next))
            }
        }
        while next < segment.frameCount, let (frame, time) = try decoder.next() {
            let index = time.isFinite ? Int64(((time - segment.start) * framesPerSecond).rounded()) : next
            if index > next { try emit(until: index) }
            let copy = try Frame()
            try FFmpegError.check(av_frame_ref(copy.raw, frame.raw))
            held = copy
        }
        try emit(until: segment.frameCount)
        try sound.finish()
    }

    // MARK: Passthrough

    /// Copies the clip's video packets untouched, moved to the segment's place on the output clock;
    /// its sound is still converted (or made silent) to match the output's track.
    func passThrough(_ segment: Segment) throws {
        try video.endRun()
        let file = try MediaFile(path: segment.path)
        try file.findStreamInfo()
        guard let stream = file.streams.first(where: { Int($0.pointee.index) == segment.video.index }) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL))
        }
        for other in file.streams where other != stream { other.pointee.discard = AVDISCARD_ALL }
        let timeBase = stream.pointee.time_base
        let origin = stream.pointee.start_time == CFFmpeg_AV_NOPTS_VALUE() ? 0 : stream.pointee.start_time
        let offset = av_rescale_q(segment.firstFrame, video.encoderTimeBase, timeBase) - origin
        var sound = try SegmentSound(timeline: self, segment: segment, range: audioRange(segment))
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            try Task.checkCancellation()
            let raw = packet.raw
            let shown = raw.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? raw.pointee.dts : raw.pointee.pts
            if raw.pointee.pts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.pts += offset }
            if raw.pointee.dts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.dts += offset }
            raw.pointee.pos = -1
            try video.copy(raw, timeBase: timeBase)
            let time = seconds(atFrame: segment.firstFrame) + Double(shown - origin) * av_q2d(timeBase)
            try sound.advance(toSeconds: time)
            progress(time)
        }
        try sound.finish()
    }
}

/// A segment's sound: the clip's own audio converted to the output's, or silence where it has none
/// (or none left), laid on the output's sample clock so it ends exactly at the segment's end.
private struct SegmentSound {
    private let track: AudioTrackWriter?
    private let decoder: StreamDecoder?
    private let feeder: AudioSegmentFeeder?
    private let start: Double
    private let range: Range<Int64>
    private var exhausted = false

    init(timeline: OutputTimeline, segment: Segment, range: Range<Int64>) throws {
        track = timeline.audio
        self.range = range
        start = segment.start
        if let track = timeline.audio, let audioInfo = segment.info.primaryAudio {
            let decoder = try StreamDecoder(path: segment.path, streamIndex: audioInfo.index, from: segment.start)
            self.decoder = decoder
            feeder = try AudioSegmentFeeder(track: track, decoder: decoder.context, segment: range)
        } else {
            decoder = nil
            feeder = nil
        }
    }

    /// Brings the sound up to `seconds` of output time.
    mutating func advance(toSeconds seconds: Double) throws {
        guard let track else { return }
        let target = min(AudioTrackWriter.sample(at: seconds), range.upperBound)
        while !exhausted, track.samplesWritten < target, let decoder, let feeder {
            guard let (frame, time) = try decoder.next() else {
                exhausted = true
                try feeder.flush()
                break
            }
            try feeder.add(frame, at: time - start)
        }
        // No audio, or none left: silence keeps the track level with the picture as it is written.
        if decoder == nil || exhausted { try track.silence(upTo: target) }
    }

    func finish() throws {
        guard let track else { return }
        if let feeder { try feeder.finish() } else { try track.silence(upTo: range.upperBound) }
    }
}
