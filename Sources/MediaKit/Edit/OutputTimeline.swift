internal import CFFmpeg

/// One clip's part of an output: which stretch of the clip, where it lands, and how.
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
    /// Frames at its start shown blended with the previous segment's end, and at its end with the next's.
    var fadeIn: Int64 = 0
    var fadeOut: Int64 = 0
    /// The frames whose packets are copied untouched (smart passthrough), if any.
    var copied: CopiedRun?
}

/// A run of a clip's frames carried by its own packets: segment frames [frames), starting at the
/// packet shown at `startTimestamp` and ending before the one at `endTimestamp` (in the stream's
/// time base; nil for the file's first or last packet). Both ends are clean cuts (`CutPoints`).
struct CopiedRun {
    let frames: Range<Int64>
    var startTimestamp: Int64?
    var endTimestamp: Int64?
}

/// Writes segments one after another into one MP4 on one clock: the picture at a constant frame
/// rate (frame n shows at n / rate), the sound as one continuous 48 kHz track cut to the same
/// joints. Frames are decoded, fitted and re-encoded, or, in a segment's copied run, carried by
/// their own packets; where segments overlap they are cross-faded.
final class OutputTimeline {
    let writer: MovieWriter
    let video: VideoTrackWriter
    let audio: AudioTrackWriter?
    private let rate: Rational
    private let framesPerSecond: Double
    private let progress: (Double) -> Void
    /// Each segment's stretch of the sound track, in output samples, and its sound once reached.
    private var soundRanges: [Range<Int64>] = []
    private var sounds: [Int: SoundSource] = [:]
    private var segments: [Segment] = []
    private var blended: Frame?
    private lazy var mixing = MixBuffers()

    init(writer: MovieWriter, video: VideoTrackWriter, audio: AudioTrackWriter?, progress: @escaping (Double) -> Void) {
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

    /// Writes every segment, in order; then the sound up to the last one's end.
    func write(_ segments: [Segment]) throws {
        self.segments = segments
        soundRanges = segments.map {
            AudioTrackWriter.sample(at: seconds(atFrame: $0.firstFrame)) ..< AudioTrackWriter.sample(at: seconds(atFrame: $0.firstFrame + $0.frameCount))
        }
        var incoming: PictureSource?
        for (position, segment) in segments.enumerated() {
            var pictures = incoming
            incoming = nil
            var frame = segment.fadeIn
            let fadeOutStart = segment.frameCount - segment.fadeOut
            while frame < fadeOutStart {
                if let run = segment.copied, run.frames.lowerBound == frame {
                    pictures = nil
                    try passThrough(segment, run)
                    frame = run.frames.upperBound
                    continue
                }
                let end = segment.copied.map { $0.frames.lowerBound > frame ? min($0.frames.lowerBound, fadeOutStart) : fadeOutStart } ?? fadeOutStart
                let source = try pictures ?? PictureSource(segment: segment, from: frame, size: video.settings.size, frameRate: rate)
                pictures = source
                while frame < end {
                    try encode(source.picture(at: frame), number: segment.firstFrame + frame)
                    frame += 1
                }
            }
            if segment.fadeOut > 0 {
                incoming = try crossfade(from: segment, with: pictures, into: segments[position + 1])
            }
        }
        try advanceSound(toSample: soundRanges.last?.upperBound ?? 0)
    }

    /// The outgoing segment's last frames blended with the next one's first; returns the next one's
    /// pictures, to go on from.
    private func crossfade(from segment: Segment, with pictures: PictureSource?, into next: Segment) throws -> PictureSource {
        let fadeOutStart = segment.frameCount - segment.fadeOut
        let size = video.settings.size
        let outgoing = try pictures ?? PictureSource(segment: segment, from: fadeOutStart, size: size, frameRate: rate)
        let arriving = try PictureSource(segment: next, from: 0, size: size, frameRate: rate)
        let output = try blended ?? Frame(width: size.width, height: size.height, format: AV_PIX_FMT_YUV420P)
        blended = output
        for step in 0..<segment.fadeOut {
            try Crossfade.blend(outgoing.picture(at: fadeOutStart + step), arriving.picture(at: step),
                                weight: Crossfade.pictureWeight(frame: step, of: segment.fadeOut), into: output)
            try encode(output, number: segment.firstFrame + fadeOutStart + step)
        }
        return arriving
    }

    private func encode(_ picture: Frame, number: Int64) throws {
        try Task.checkCancellation()
        try video.encode(picture, number: number)
        let time = seconds(atFrame: number + 1)
        try advanceSound(toSample: AudioTrackWriter.sample(at: time))
        progress(time)
    }

    // MARK: Passthrough

    /// Copies a run of the clip's video packets untouched, moved to their place on the output clock.
    private func passThrough(_ segment: Segment, _ run: CopiedRun) throws {
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
        if let start = run.startTimestamp { try file.seek(stream, toTimestamp: start) }
        var copying = run.startTimestamp == nil
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            try Task.checkCancellation()
            let raw = packet.raw
            let shown = raw.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? raw.pointee.dts : raw.pointee.pts
            let isKey = (raw.pointee.flags & AV_PKT_FLAG_KEY) != 0
            if !copying {
                guard isKey, shown == run.startTimestamp else { continue }
                copying = true
            }
            if isKey, let end = run.endTimestamp, shown == end { break }
            if raw.pointee.pts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.pts += offset }
            if raw.pointee.dts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.dts += offset }
            raw.pointee.pos = -1
            try video.copy(raw, timeBase: timeBase)
            let time = seconds(atFrame: segment.firstFrame) + Double(shown - origin) * av_q2d(timeBase)
            try advanceSound(toSample: AudioTrackWriter.sample(at: time))
            progress(time)
        }
    }

    // MARK: Sound

    /// Brings the sound track up to output sample `target`: each stretch from the segment (or,
    /// over a cross-fade, the two segments mixed) that covers it.
    private func advanceSound(toSample target: Int64) throws {
        guard let audio else { return }
        let end = min(target, soundRanges.last?.upperBound ?? 0)
        while audio.samplesWritten < end {
            let now = audio.samplesWritten
            let covering = soundRanges.indices.filter { soundRanges[$0].contains(now) }
            var chunkEnd = min(end, now + Int64(MixBuffers.capacity))
            for index in covering { chunkEnd = min(chunkEnd, soundRanges[index].upperBound) }
            if let nextStart = soundRanges.lazy.map(\.lowerBound).filter({ $0 > now }).min() { chunkEnd = min(chunkEnd, nextStart) }
            for index in sounds.keys where !covering.contains(index) { sounds[index] = nil }
            let count = Int(chunkEnd - now)
            switch covering.count {
            case 0:
                try audio.silence(upTo: chunkEnd)
            case 1:
                let source = try sound(covering[0])
                try mixing.withOutgoing { left, right throws in
                    try source.read(count, left: left, right: right)
                    try audio.append(left: left, right: right, count: count)
                }
            default:
                let outgoing = try sound(covering[0]), arriving = try sound(covering[1])
                let fade = soundRanges[covering[1]].lowerBound ..< soundRanges[covering[0]].upperBound
                try mixing.mix(count) { left, right throws in try outgoing.read(count, left: left, right: right) }
                    incoming: { left, right throws in try arriving.read(count, left: left, right: right) }
                    gain: { Crossfade.soundGain(sample: now + Int64($0) - fade.lowerBound, of: Int64(fade.count)) }
                    into: { left, right, count throws in try audio.append(left: left, right: right, count: count) }
            }
        }
    }

    private func sound(_ index: Int) throws -> SoundSource {
        if let source = sounds[index] { return source }
        let source = try SoundSource(segment: segments[index])
        sounds[index] = source
        return source
    }
}

/// Scratch buffers for a stretch of sound: two segments' samples, mixed in place.
private final class MixBuffers {
    static let capacity = 4096
    private let outgoingLeft = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    private let outgoingRight = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    private let incomingLeft = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
    private let incomingRight = UnsafeMutablePointer<Float>.allocate(capacity: capacity)

    deinit {
        for buffer in [outgoingLeft, outgoingRight, incomingLeft, incomingRight] { buffer.deallocate() }
    }

    func withOutgoing(_ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> Void) throws {
        try body(outgoingLeft, outgoingRight)
    }

    /// Reads both, mixes them into the outgoing buffers with the incoming one's `gain(i)` per sample,
    /// and hands the mix on.
    func mix(_ count: Int,
             _ readOutgoing: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> Void,
             incoming readIncoming: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> Void,
             gain: (Int) -> Float,
             into deliver: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) throws -> Void) throws {
        try readOutgoing(outgoingLeft, outgoingRight)
        try readIncoming(incomingLeft, incomingRight)
        for sample in 0..<count {
            let share = gain(sample)
            outgoingLeft[sample] = outgoingLeft[sample] * (1 - share) + incomingLeft[sample] * share
            outgoingRight[sample] = outgoingRight[sample] * (1 - share) + incomingRight[sample] * share
        }
        try deliver(outgoingLeft, outgoingRight, count)
    }
}
