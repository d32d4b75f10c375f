import Support
internal import CFFmpeg

/// Stitching clips that differ: one output size (fitted and padded, never stretched), square
/// pixels, upright, one constant frame rate, yuv420p, one AAC 48 kHz stereo track with silence
/// where a clip has none. A clip already in the output's form is passed through untouched.
struct Normaliser {
    let clips: [StitchClip]
    let options: StitchOptions
    let output: String
    let reason: String

    /// The output's picture: the target clip's displayed size (even sides) and rate.
    var target: (size: PixelSize, rate: Rational) {
        switch options.target {
        case .custom(let size, let rate): return (size, rate)
        case .first: return Self.target(of: clips[0])
        case .last: return Self.target(of: clips[clips.count - 1])
        }
    }

    static func target(of clip: StitchClip) -> (size: PixelSize, rate: Rational) {
        let displayed = clip.video.displayedSize ?? PixelSize(width: 1280, height: 720)
        let size = PixelSize(width: PictureFitter.even(Double(displayed.width)), height: PictureFitter.even(Double(displayed.height)))
        let rate = clip.video.constantFrameRate ?? .frameRate((clip.video.frameRate ?? 24).rounded()) ?? Rational(24, 1)
        return (size, rate)
    }

    /// Why a clip cannot keep its packets in this output, or nil when it can.
    func obstacle(_ clip: StitchClip, size: PixelSize, rate: Rational) -> String? {
        let video = clip.video
        if video.codecName != "h264" { return "it is \(video.codecName ?? "unknown") video, not H.264" }
        if video.pixelFormat != "yuv420p" { return "its pixel format is \(video.pixelFormat ?? "unknown"), not yuv420p" }
        if let rotation = video.rotation, rotation % 360 != 0 { return "it is turned \(rotation)° by its display matrix" }
        if let sar = video.sampleAspectRatio, sar.width != sar.height { return "its pixels are not square (\(sar.width):\(sar.height))" }
        if video.storedSize != size { return "it is \(video.storedSize.map(\.description) ?? "of unknown size"), not \(size)" }
        guard let clipRate = video.constantFrameRate else { return "its frame rate varies" }
        if clipRate.value.map({ abs($0 - (rate.value ?? 0)) > 1e-6 }) ?? true {
            return "it runs at \(clipRate.frameRateText) fps, not \(rate.frameRateText)"
        }
        if AVCConfiguration(record: clip.extradata) == nil { return "its H.264 header is not an avcC record" }
        return nil
    }

    /// The frames of a cross-fade at the output's rate: at least one when one is asked for.
    func fadeFrames(rate: Rational) -> Int64 {
        guard options.crossfade > 0, clips.count > 1 else { return 0 }
        return max(1, Int64((options.crossfade * (rate.value ?? 24)).rounded()))
    }

    /// Every clip's place on the output clock; with a cross-fade each starts that many frames
    /// before the previous one ends.
    func layOut(rate: Rational) throws(EditError) -> [Segment] {
        let fade = fadeFrames(rate: rate)
        var segments: [Segment] = []
        var end: Int64 = 0
        for (position, clip) in clips.enumerated() {
            var segment = Segment(path: clip.path, info: clip.info, video: clip.video, start: 0, duration: clip.seconds)
            segment.frameCount = OutputTimeline.frameCount(seconds: clip.seconds, rate: rate)
            segment.fadeIn = position > 0 ? fade : 0
            segment.fadeOut = position < clips.count - 1 ? fade : 0
            guard segment.fadeIn + segment.fadeOut <= segment.frameCount else {
                let most = Double(segment.frameCount / (position > 0 && position < clips.count - 1 ? 2 : 1)) / (rate.value ?? 24)
                throw .invalidOption("a \(Formatting.seconds(options.crossfade)) cross-fade is longer than \(clip.path) "
                                     + "(\(Formatting.seconds(clip.seconds))) allows; give --crossfade at most \(Formatting.seconds(most))")
            }
            segment.firstFrame = end - segment.fadeIn
            end = segment.firstFrame + segment.frameCount
            segments.append(segment)
        }
        return segments
    }

    /// The run of a matching clip's frames that can keep its packets: all of them without fades,
    /// else from the first clean keyframe after its fade-in to the last before its fade-out.
    func copiedRun(_ segment: Segment, rate: Rational) throws(EditError) -> CopiedRun? {
        guard segment.fadeIn > 0 || segment.fadeOut > 0 else { return CopiedRun(frames: 0..<segment.frameCount) }
        let cuts: CutPoints
        do { cuts = try CutPoints(path: segment.path, streamIndex: segment.video.index, frameRate: rate) } catch { throw .failed(segment.path, error) }
        typealias Bound = (frame: Int64, timestamp: Int64?)
        let start: Bound? = segment.fadeIn == 0 ? (0, nil) : cuts.first(atOrAfter: segment.fadeIn).map { ($0.frame, $0.timestamp) }
        let end: Bound? = segment.fadeOut == 0 ? (segment.frameCount, nil)
            : cuts.last(atOrBefore: segment.frameCount - segment.fadeOut).map { ($0.frame, $0.timestamp) }
        guard let start, let end, start.frame < end.frame else { return nil }
        return CopiedRun(frames: start.frame..<end.frame, startTimestamp: start.timestamp, endTimestamp: end.timestamp)
    }

    func run(progress: @escaping (Double, Double) -> Void) throws(EditError) -> StitchReport {
        let (size, rate) = target
        var segments = try layOut(rate: rate)
        var plans = clips.map { clip in (clip: clip, obstacle: options.allowPassthrough ? obstacle(clip, size: size, rate: rate) : "passthrough was turned off") }
        for index in plans.indices where plans[index].obstacle == nil {
            segments[index].copied = try copiedRun(segments[index], rate: rate)
            if segments[index].copied == nil { plans[index].obstacle = "it has no clean keyframe between its cross-fades to copy from" }
        }
        // One clip's parameter sets go in the header: the target clip's if it qualifies, else the first that does.
        let preferred: [Int] = options.target == .first ? Array(plans.indices) : plans.indices.reversed()
        let model = preferred.first { plans[$0].obstacle == nil }.map { plans[$0].clip }
        for index in plans.indices where plans[index].obstacle == nil {
            if let model, plans[index].clip.extradata != model.extradata {
                plans[index].obstacle = "its H.264 settings differ from \(model.path)'s, which is passed through"
                segments[index].copied = nil
            }
        }
        let withAudio = clips.contains { $0.info.primaryAudio != nil }
        let settings = VideoTrackWriter.Settings(size: size, frameRate: rate, crf: options.crf, preset: options.preset)
        let framesPerSecond = rate.value ?? 24
        let total = Double(segments.last.map { $0.firstFrame + $0.frameCount } ?? 0) / framesPerSecond
        try EditRun.perform(input: clips[0].path, output: output, replacing: options.replaceExisting) { writer throws in
            let videoTrack: VideoTrackWriter
            if let model, let configuration = AVCConfiguration(record: model.extradata) {
                let file = try MediaFile(path: model.path)
                try file.findStreamInfo()
                guard let stream = file.streams.first(where: { Int($0.pointee.index) == model.video.index }) else { throw EditError.noVideo(model.path) }
                videoTrack = try VideoTrackWriter(writer: writer, settings: settings, passthrough: stream, configuration: configuration)
            } else {
                videoTrack = try VideoTrackWriter(writer: writer, settings: settings)
            }
            let audioTrack = withAudio ? try AudioTrackWriter(writer: writer) : nil
            try EditRun.begin(writer, output: output)
            let timeline = OutputTimeline(writer: writer, video: videoTrack, audio: audioTrack) { progress($0, total) }
            try timeline.write(segments)
            try videoTrack.endRun()
            try audioTrack?.finish()
        }
        let clipReports = zip(segments, plans).map { segment, plan in
            StitchReport.Clip(path: segment.path, action: plan.obstacle == nil ? .passedThrough : .reencoded,
                              reason: plan.obstacle.map { "re-encoded: \($0)" } ?? passthroughReason(segment, size: size, rate: rate),
                              start: Double(segment.firstFrame) / framesPerSecond,
                              duration: Double(segment.frameCount) / framesPerSecond,
                              copied: segment.copied.map { StitchReport.Span(from: Double($0.frames.lowerBound) / framesPerSecond,
                                                                             to: Double($0.frames.upperBound) / framesPerSecond) })
        }
        return StitchReport(output: output, method: .normalised, reason: reason, width: size.width, height: size.height,
                            frameRate: rate, duration: total, audio: withAudio,
                            crossfade: fadeFrames(rate: rate) > 0 ? Double(fadeFrames(rate: rate)) / framesPerSecond : nil, clips: clipReports)
    }

    private func passthroughReason(_ segment: Segment, size: PixelSize, rate: Rational) -> String {
        let already = "already \(size) at \(rate.frameRateText) fps H.264"
        guard let run = segment.copied, run.frames != 0..<segment.frameCount else { return "\(already): packets copied untouched" }
        let seconds = { (frame: Int64) in Formatting.seconds(Double(frame) / (rate.value ?? 24)) }
        return "\(already): packets from \(seconds(run.frames.lowerBound)) to \(seconds(run.frames.upperBound)) copied untouched; "
            + "the rest re-encoded around the cross-fade (a copy starts and ends at a keyframe)"
    }
}
