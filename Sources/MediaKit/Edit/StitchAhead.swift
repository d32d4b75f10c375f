import Support
internal import CFFmpeg

/// The shot a continuation expects, before it exists: what Kling returns for the request (its
/// size for the aspect ratio, 24 fps, the duration's frames, no sound without `keep_audio`).
public struct ShotPrediction: Codable, Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var frameCount: Int

    public init(width: Int, height: Int, frameRate: Rational, frameCount: Int) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.frameCount = frameCount
    }

    enum CodingKeys: String, CodingKey {
        case width, height
        case frameRate = "frame_rate"
        case frameCount = "frame_count"
    }
}

/// A stitch made before its last clip exists: the clips before it re-encoded to the predicted
/// shot's picture, with a stand-in where the shot goes (see `StitchAhead`).
public struct PreparedStitch: Codable, Sendable, Equatable {
    /// The stitch with the stand-in: its x264 packets and its sound are what the real stitch keeps.
    public let path: String
    public let prediction: ShotPrediction
    /// The clips before the shot, as they were when prepared.
    public let clips: [String]
    /// Output frames before the shot: the prepared file's first video packets, in decoding order.
    public let leadingFrames: Int
    /// The parameter-set ids x264 used, chosen clear of the stand-in's.
    public let encoderIdentifiers: [Int]
    public let lengthSize: Int
    /// What the stitch did, with the stand-in as its last clip.
    public let report: StitchReport

    enum CodingKeys: String, CodingKey {
        case path, prediction, clips, report
        case leadingFrames = "leading_frames"
        case encoderIdentifiers = "encoder_identifiers"
        case lengthSize = "length_size"
    }
}

/// Stitching ahead of the shot. A Kling job takes minutes; re-encoding the clip for the stitch
/// takes seconds of CPU, and today's stitch does it after the shot arrives. Its target is known
/// before: the shot's size and rate follow from the request. So `prepare` runs the stitch while
/// the model works, with a black stand-in for the shot (H.264 under the parameter-set ids Kling's
/// encoder uses, so x264 gets the same id it would get beside the real shot), and `finish` swaps
/// the real shot's packets in: a remux, nothing decoded or encoded. A shot that is not what was
/// predicted is refused (`.predictionMissed`, nothing written), and the caller stitches as before.
///
/// Only for a shot without sound: the sound track is encoded across the joint, so with the shot's
/// own sound it could not be made ahead.
public enum StitchAhead {
    /// The ids a generated shot's parameter sets use (x264 and most encoders: 0).
    static let standInIdentifiers: Set<Int> = [0]

    /// Runs on MediaKit's threads, one preparation at a time in a process; cancelling the task stops
    /// it and leaves nothing. `progress` hears the stitch's (seconds done, seconds in all).
    public static func prepare(_ clips: [String], before prediction: ShotPrediction, to path: String,
                               options: StitchOptions = StitchOptions(),
                               progress: @escaping @Sendable (_ done: Double, _ total: Double) -> Void = { _, _ in })
        async throws(EditError) -> PreparedStitch {
        try await MediaThreads.runAhead { () throws(EditError) in
            try prepareHere(clips, before: prediction, to: path, options: options, progress: progress)
        }
    }

    /// The stitch of `prepared`'s clips and `shot` at `output`, from the prepared file's packets
    /// and the shot's. `.predictionMissed` when the shot differs from the prediction in any way
    /// that matters; nothing is written then.
    public static func finish(_ prepared: PreparedStitch, shot: String, to output: String,
                              replacing: Bool = false) async throws(EditError) -> StitchReport {
        try await MediaThreads.run { () throws(EditError) in try finishHere(prepared, shot: shot, to: output, replacing: replacing) }
    }

    static func prepareHere(_ clips: [String], before prediction: ShotPrediction, to path: String,
                            options: StitchOptions, progress: @escaping (_ done: Double, _ total: Double) -> Void = { _, _ in })
        throws(EditError) -> PreparedStitch {
        guard !clips.isEmpty, options.crossfade == 0, options.target == .last else {
            throw .invalidOption("a stitch is prepared ahead only for clips before one shot, without a cross-fade")
        }
        let standIn = AtomicFile.temporaryPath(besides: path) + ".mp4"
        defer { SystemCalls.remove(standIn) }
        do {
            try GeneratedClip.write(to: standIn, width: prediction.width, height: prediction.height, frameCount: prediction.frameCount,
                                    frameRate: prediction.frameRate, audio: false, crf: 51) { frame, _, _ in
                Self.paintBlack(frame)
            }
        } catch {
            throw Task.isCancelled ? .cancelled : .unwritable(path, error)
        }
        var stitchOptions = options
        stitchOptions.replaceExisting = true
        let report = try Stitcher.stitchHere(clips + [standIn], to: path, options: stitchOptions, progress: progress)
        guard let last = report.clips.last, last.action == .passedThrough, last.copied == Span(from: 0, to: last.duration),
              let rate = report.frameRate?.value else {
            SystemCalls.remove(path)
            throw .predictionMissed("the stand-in for the shot was not passed through whole")
        }
        let made = try? StitchClip(path: path)
        guard let configuration = made.flatMap({ AVCConfiguration(record: $0.extradata) }) else {
            SystemCalls.remove(path)
            throw .predictionMissed("the stitch made ahead has no avcC record")
        }
        let encoderIdentifiers = configuration.usedIdentifiers.subtracting(standInIdentifiers)
        return PreparedStitch(path: path, prediction: prediction, clips: clips,
                              leadingFrames: Int((last.start * rate).rounded()), encoderIdentifiers: encoderIdentifiers.sorted(),
                              lengthSize: configuration.lengthSize, report: report)
    }

    private typealias Span = StitchReport.Span

    /// Black in limited-range YUV: the stand-in costs next to nothing to encode.
    private static func paintBlack(_ frame: Frame) {
        let height = Int(frame.raw.pointee.height)
        for (plane, value, rows) in [(0, Int32(16), height), (1, Int32(128), (height + 1) / 2), (2, Int32(128), (height + 1) / 2)] {
            let (base, stride) = frame.plane(plane)
            memset(base, value, stride * rows)
        }
    }

    // MARK: Finishing

    static func finishHere(_ prepared: PreparedStitch, shot: String, to output: String, replacing: Bool) throws(EditError) -> StitchReport {
        try OutputPath.check(output, against: prepared.clips + [shot], replacing: replacing)
        let clip = try StitchClip(path: shot)
        let shotConfiguration = try matching(clip, prepared)
        let preparedClip = try StitchClip(path: prepared.path)
        guard let preparedConfiguration = AVCConfiguration(record: preparedClip.extradata) else {
            throw .predictionMissed("the prepared stitch has no avcC record")
        }
        let encoder = preparedConfiguration.keeping(identifiers: Set(prepared.encoderIdentifiers))
        let header = shotConfiguration.merged(with: encoder).record
        let rate = prepared.report.frameRate ?? prepared.prediction.frameRate
        try EditRun.perform(input: shot, output: output, replacing: replacing) { writer throws in
            let shotFile = try MediaFile(path: shot)
            try shotFile.findStreamInfo()
            let preparedFile = try MediaFile(path: prepared.path)
            try preparedFile.findStreamInfo()
            guard let shotVideo = shotFile.streams.first(where: { Int($0.pointee.index) == clip.video.index }),
                  let preparedVideo = preparedFile.streams.first(where: { Int($0.pointee.index) == preparedClip.video.index }) else {
                throw EditError.noVideo(shot)
            }
            // As the stitch after the shot would make it: the shot's stream with both encoders' sets.
            let videoOut = try writer.addStream(copying: shotVideo, extradata: header, displayMatrix: false)
            let preparedAudio = preparedClip.info.primaryAudio.flatMap { audio in
                preparedFile.streams.first { Int($0.pointee.index) == audio.index }
            }
            let audioOut = try preparedAudio.map { try writer.addStream(copying: $0) }
            try EditRun.begin(writer, output: output)
            try copyPrepared(preparedFile, video: preparedVideo, audio: preparedAudio, frames: prepared.leadingFrames,
                             videoOut: videoOut, audioOut: audioOut, writer: writer)
            try copyShot(shotFile, video: shotVideo, firstFrame: Int64(prepared.leadingFrames), rate: rate,
                         videoOut: videoOut, writer: writer)
        }
        return report(prepared, shot: shot, output: output)
    }

    /// The shot's parameter sets when it is the shot predicted; why not otherwise.
    private static func matching(_ clip: StitchClip, _ prepared: PreparedStitch) throws(EditError) -> AVCConfiguration {
        let video = clip.video, prediction = prepared.prediction
        func miss(_ reason: String) -> EditError { .predictionMissed("the shot \(reason)") }
        if video.codecName != "h264" || video.pixelFormat != "yuv420p" { throw miss("is not H.264 yuv420p") }
        if let rotation = video.rotation, rotation % 360 != 0 { throw miss("is turned by a display matrix") }
        if let sar = video.sampleAspectRatio, sar.width != sar.height { throw miss("has non-square pixels") }
        guard video.storedSize == PixelSize(width: prediction.width, height: prediction.height) else {
            throw miss("is \(video.storedSize.map(\.description) ?? "of unknown size"), not \(prediction.width)×\(prediction.height)")
        }
        guard let rate = video.constantFrameRate, rate.value == prediction.frameRate.value else {
            throw miss("does not run at a constant \(prediction.frameRate.frameRateText) fps")
        }
        let frames = OutputTimeline.frameCount(seconds: clip.seconds, rate: prediction.frameRate)
        guard frames == Int64(prediction.frameCount) else { throw miss("has \(frames) frames, not \(prediction.frameCount)") }
        if clip.info.primaryAudio != nil { throw miss("has sound, which the stitch made ahead has not") }
        guard let configuration = AVCConfiguration(record: clip.extradata) else { throw miss("has no avcC record") }
        guard configuration.lengthSize == prepared.lengthSize else { throw miss("uses \(configuration.lengthSize)-byte NAL lengths") }
        guard configuration.usedIdentifiers.isDisjoint(with: prepared.encoderIdentifiers) else {
            throw miss("uses the parameter-set ids x264 was given")
        }
        return configuration
    }

    /// The prepared file's first `frames` video packets (x264's, the clips before the shot) and all
    /// of its sound, as they are.
    private static func copyPrepared(_ file: MediaFile, video: UnsafeMutablePointer<AVStream>, audio: UnsafeMutablePointer<AVStream>?,
                                     frames: Int, videoOut: Int, audioOut: Int?, writer: MovieWriter) throws {
        for stream in file.streams where stream != video && stream != audio { stream.pointee.discard = AVDISCARD_ALL }
        var copiedFrames = 0
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            try Task.checkCancellation()
            let raw = packet.raw
            raw.pointee.pos = -1
            if raw.pointee.stream_index == video.pointee.index {
                guard copiedFrames < frames else { continue }
                copiedFrames += 1
                try writer.write(raw, stream: videoOut, timeBase: video.pointee.time_base)
            } else if let audio, let audioOut, raw.pointee.stream_index == audio.pointee.index {
                try writer.write(raw, stream: audioOut, timeBase: audio.pointee.time_base)
            }
        }
    }

    /// The shot's video packets, moved to `firstFrame` on the output clock, as the stitch's
    /// passthrough moves them.
    private static func copyShot(_ file: MediaFile, video: UnsafeMutablePointer<AVStream>, firstFrame: Int64, rate: Rational,
                                 videoOut: Int, writer: MovieWriter) throws {
        for stream in file.streams where stream != video { stream.pointee.discard = AVDISCARD_ALL }
        let timeBase = video.pointee.time_base
        let origin = video.pointee.start_time == CFFmpeg_AV_NOPTS_VALUE() ? 0 : video.pointee.start_time
        let clock = AVRational(num: Int32(rate.denominator), den: Int32(rate.numerator))
        let offset = av_rescale_q(firstFrame, clock, timeBase) - origin
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            try Task.checkCancellation()
            let raw = packet.raw
            guard raw.pointee.stream_index == video.pointee.index else { continue }
            if raw.pointee.pts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.pts += offset }
            if raw.pointee.dts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.dts += offset }
            raw.pointee.pos = -1
            try writer.write(raw, stream: videoOut, timeBase: timeBase)
        }
    }

    private static func report(_ prepared: PreparedStitch, shot: String, output: String) -> StitchReport {
        let made = prepared.report
        var clips = Array(made.clips.dropLast())
        if let standIn = made.clips.last {
            clips.append(StitchReport.Clip(path: shot, action: .passedThrough,
                                           reason: "packets copied untouched; the clips before it were re-encoded while the model worked",
                                           start: standIn.start, duration: standIn.duration, copied: standIn.copied))
        }
        return StitchReport(output: output, method: made.method, reason: made.reason, width: made.width, height: made.height,
                            frameRate: made.frameRate, duration: made.duration, audio: made.audio, crossfade: nil, clips: clips)
    }
}
