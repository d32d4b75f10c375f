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

    func run(progress: @escaping (Double, Double) -> Void) throws(EditError) -> StitchReport {
        let (size, rate) = target
        var plans = clips.map { clip in (clip: clip, obstacle: options.allowPassthrough ? obstacle(clip, size: size, rate: rate) : "passthrough was turned off") }
        // One clip's parameter sets go in the header: the target clip's if it qualifies, else the first that does.
        let preferred: [Int] = options.target == .first ? Array(plans.indices) : plans.indices.reversed()
        let model = preferred.first { plans[$0].obstacle == nil }.map { plans[$0].clip }
        for index in plans.indices where plans[index].obstacle == nil {
            if let model, plans[index].clip.extradata != model.extradata {
                plans[index].obstacle = "its H.264 settings differ from \(model.path)'s, which is passed through"
            }
        }
        var segments: [Segment] = []
        var nextFrame: Int64 = 0
        for plan in plans {
            var segment = Segment(path: plan.clip.path, info: plan.clip.info, video: plan.clip.video, start: 0, duration: plan.clip.seconds)
            segment.firstFrame = nextFrame
            segment.frameCount = OutputTimeline.frameCount(seconds: plan.clip.seconds, rate: rate)
            nextFrame += segment.frameCount
            segments.append(segment)
        }
        let withAudio = clips.contains { $0.info.primaryAudio != nil }
        let settings = VideoTrackWriter.Settings(size: size, frameRate: rate, crf: options.crf, preset: options.preset)
        let total = Double(nextFrame) / (rate.value ?? 24)
        try EditRun.perform(input: clips[0].path, output: output) { writer throws in
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
            for (segment, plan) in zip(segments, plans) {
                do {
                    if plan.obstacle == nil { try timeline.passThrough(segment) } else { try timeline.reencode(segment) }
                } catch let error as FFmpegError {
                    throw EditError.failed(segment.path, error)
                }
            }
            try videoTrack.endRun()
            try audioTrack?.finish()
        }
        let clipReports = zip(segments, plans).map { segment, plan in
            StitchReport.Clip(path: segment.path, action: plan.obstacle == nil ? .passedThrough : .reencoded,
                              reason: plan.obstacle.map { "re-encoded: \($0)" } ?? "already \(size) at \(rate.frameRateText) fps H.264: packets copied untouched",
                              start: Double(segment.firstFrame) / (rate.value ?? 24),
                              duration: Double(segment.frameCount) / (rate.value ?? 24))
        }
        return StitchReport(output: output, method: .normalised, reason: reason, width: size.width, height: size.height,
                            frameRate: rate, duration: total, audio: withAudio, clips: clipReports)
    }
}
