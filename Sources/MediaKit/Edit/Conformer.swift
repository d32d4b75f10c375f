import Support
import SystemPackage
internal import CFFmpeg

/// How to make a clip pass: what to trim, the size range, the frame rate, the sound.
public struct ConformOptions: Sendable, Equatable, Encodable {
    public enum Trim: Sendable, Equatable, Encodable {
        /// Keep the first seconds.
        case first(Double)
        /// Keep the last seconds: the model continues the shot from its end.
        case last(Double)

        enum CodingKeys: String, CodingKey { case keep, seconds }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .first(let seconds): try container.encode("first", forKey: .keep); try container.encode(seconds, forKey: .seconds)
            case .last(let seconds): try container.encode("last", forKey: .keep); try container.encode(seconds, forKey: .seconds)
            }
        }
    }

    public var trim: Trim?
    /// Each side of the displayed picture must end up in this range (aspect kept).
    public var fit: ClosedRange<Int>?
    /// The output's rate; nil for the clip's own, brought into `acceptedFrameRates`.
    public var frameRate: Rational?
    /// With `frameRate` nil: the clip's own rate when it is in this range, else the nearest whole
    /// rate in it. Nil keeps the clip's own (24 fps when it has none).
    public var acceptedFrameRates: ClosedRange<Double>?
    public var keepAudio = true
    public var crf = 20
    public var preset = "veryfast"
    /// Replace a file already at the output; without it, the file is kept and `.outputExists` thrown.
    public var replaceExisting = false

    enum CodingKeys: String, CodingKey {
        case trim, fit, crf, preset
        case frameRate = "frame_rate"
        case acceptedFrameRates = "accepted_frame_rates"
        case keepAudio = "keep_audio"
    }

    public init(trim: Trim? = nil, fit: ClosedRange<Int>? = nil, frameRate: Rational? = nil,
                acceptedFrameRates: ClosedRange<Double>? = nil, keepAudio: Bool = true) {
        self.trim = trim
        self.fit = fit
        self.frameRate = frameRate
        self.acceptedFrameRates = acceptedFrameRates
        self.keepAudio = keepAudio
    }
}

/// What `conform` made, and what it changed to get there.
public struct ConformReport: Codable, Sendable, Equatable {
    public let input: String
    public let output: String
    /// Where in the input the kept part starts, and its length, seconds.
    public let start: Double
    public let duration: Double
    public let width: Int
    public let height: Int
    public let frameRate: Rational
    public let frameCount: Int
    public let audio: Bool
    /// One line per change, for people: "kept the last 10 s (from 2 s)".
    public let changes: [String]

    enum CodingKeys: String, CodingKey {
        case input, output, start, duration, width, height, audio, changes
        case frameRate = "frame_rate"
        case frameCount = "frame_count"
    }
}

/// Re-encodes a clip so that it passes `validate`: trimmed, scaled into range with its displayed
/// proportions (square pixels, upright), at a constant accepted frame rate, H.264 + AAC in MP4.
public enum Conformer {
    /// Runs on MediaKit's own threads (see `MediaThreads`); cancelling the task stops it and leaves no output.
    public static func conform(_ input: String, to output: String, options: ConformOptions,
                               progress: @escaping @Sendable (_ done: Double, _ total: Double) -> Void = { _, _ in }) async throws(EditError) -> ConformReport {
        try await MediaThreads.run { () throws(EditError) in
            try conformHere(input, to: output, options: options, progress: progress)
        }
    }

    static func conformHere(_ input: String, to output: String, options: ConformOptions,
                            progress: @escaping (_ done: Double, _ total: Double) -> Void) throws(EditError) -> ConformReport {
        let info: MediaInfo
        do { info = try Probe.file(atPath: input) } catch { throw .unreadable(error) }
        guard let video = info.primaryVideo, !info.format.isImage, let displayed = video.displayedSize else { throw .noVideo(input) }
        try OutputPath.check(output, against: [input], replacing: options.replaceExisting)
        let clipSeconds = video.duration ?? info.format.duration ?? 0
        let (start, length) = range(of: clipSeconds, trim: options.trim)
        let size = try fittedSize(displayed, into: options.fit)
        let rate = options.frameRate ?? acceptedRate(video, within: options.acceptedFrameRates)
        let frames = Int64((length * (rate.value ?? 24)).rounded())
        guard frames >= 1 else { throw .nothingLeft(input, seconds: length) }
        let audio = options.keepAudio && info.primaryAudio != nil
        let segment = Segment(path: input, info: info, video: video, start: start, duration: length,
                              firstFrame: 0, frameCount: frames)
        let total = Double(frames) / (rate.value ?? 24)
        try EditRun.perform(input: input, output: output, replacing: options.replaceExisting) { writer throws in
            let videoTrack = try VideoTrackWriter(writer: writer, settings: .init(size: size, frameRate: rate, crf: options.crf, preset: options.preset))
            let audioTrack = audio ? try AudioTrackWriter(writer: writer) : nil
            try EditRun.begin(writer, output: output)
            let timeline = OutputTimeline(writer: writer, video: videoTrack, audio: audioTrack) { progress($0, total) }
            try timeline.write([segment])
            try videoTrack.endRun()
            try audioTrack?.finish()
        }
        return ConformReport(input: input, output: output, start: start, duration: total, width: size.width, height: size.height,
                             frameRate: rate, frameCount: Int(frames), audio: audio,
                             changes: changes(info: info, video: video, start: start, length: length, clipSeconds: clipSeconds,
                                              size: size, rate: rate, audio: audio, container: VideoContainer(forOutput: output) ?? .mp4))
    }

    /// The part of a clip of `seconds` that a trim keeps: (start, length).
    static func range(of seconds: Double, trim: ConformOptions.Trim?) -> (Double, Double) {
        switch trim {
        case .none: return (0, seconds)
        case .first(let keep): return (0, min(keep, seconds))
        case .last(let keep): return (max(0, seconds - keep), min(keep, seconds))
        }
    }

    /// The displayed size scaled, aspect kept, so that each side lies in `fit`; even sides.
    static func fittedSize(_ displayed: PixelSize, into fit: ClosedRange<Int>?) throws(EditError) -> PixelSize {
        guard let fit else { return PixelSize(width: PictureFitter.even(Double(displayed.width)), height: PictureFitter.even(Double(displayed.height))) }
        let shortest = Double(min(displayed.width, displayed.height)), longest = Double(max(displayed.width, displayed.height))
        var scale = 1.0
        if shortest < Double(fit.lowerBound) { scale = Double(fit.lowerBound) / shortest }
        if longest * scale > Double(fit.upperBound) { scale = Double(fit.upperBound) / longest }
        guard shortest * scale >= Double(fit.lowerBound) - 1 else {
            throw .invalidOption("a \(displayed) picture cannot fit \(fit.lowerBound)–\(fit.upperBound) px on both sides "
                                 + "without cropping (its aspect is over \(fit.upperBound / max(1, fit.lowerBound)):1)")
        }
        func side(_ value: Int) -> Int {
            var even = PictureFitter.even(Double(value) * scale)
            while even < fit.lowerBound { even += 2 }
            while even > fit.upperBound { even -= 2 }
            return even
        }
        return PixelSize(width: side(displayed.width), height: side(displayed.height))
    }

    /// The clip's own rate when it is in `allowed`; otherwise the nearest whole rate that is.
    static func acceptedRate(_ video: StreamInfo, within allowed: ClosedRange<Double>?) -> Rational {
        guard let allowed else { return video.constantFrameRate ?? video.frameRate.flatMap { .frameRate($0) } ?? Rational(24, 1) }
        if let rate = video.constantFrameRate, let value = rate.value, allowed.contains(value) { return rate }
        let value = video.frameRate ?? allowed.lowerBound
        return .frameRate(min(max(value.rounded(), allowed.lowerBound), allowed.upperBound)) ?? Rational(24, 1)
    }

    private static func changes(info: MediaInfo, video: StreamInfo, start: Double, length: Double, clipSeconds: Double,
                                size: PixelSize, rate: Rational, audio: Bool, container: VideoContainer) -> [String] {
        typealias F = Formatting
        var changes: [String] = []
        if start > 0 { changes.append("kept the last \(F.seconds(length)) (from \(F.seconds(start)) of \(F.seconds(clipSeconds)))") }
        else if length < clipSeconds - 0.001 { changes.append("kept the first \(F.seconds(length)) of \(F.seconds(clipSeconds))") }
        if let rotation = video.rotation, rotation % 360 != 0 { changes.append("turned upright (\(rotation)° clockwise)") }
        if let sar = video.sampleAspectRatio, sar.width != sar.height { changes.append("made square pixels (was \(sar.width):\(sar.height))") }
        // Compared as displayed: turning or squaring the pixels alone is said above, not as a scaling.
        if let displayed = video.displayedSize ?? video.storedSize, displayed != size {
            changes.append("scaled \(displayed) → \(size)")
        }
        let from = video.constantFrameRate.map { F.rate($0.value ?? 0) + " fps" }
            ?? video.frameRate.map { "variable, about \(F.rate($0)) fps" } ?? "unknown"
        if video.constantFrameRate != rate { changes.append("frame rate \(from) → \(rate.frameRateText) fps, constant") }
        if let transfer = video.highDynamicRange, ToneMapper.isAvailable {
            changes.append("tone-mapped from HDR (\(transfer)) to standard range (BT.709)")
        }
        if info.primaryAudio != nil && !audio { changes.append("audio dropped") }
        if audio { changes.append("audio re-encoded: AAC 48 kHz stereo") }
        changes.append("re-encoded: H.264 (x264) in \(container.name)")
        return changes
    }
}

/// The output side of an edit, shared by conform and stitch: refuse to overwrite an input, write
/// to a temporary file, rename on success, and turn every failure into an `EditError`.
enum EditRun {
    static func perform(input: String, output: String, replacing: Bool, _ body: (MovieWriter) throws -> Void) throws(EditError) {
        do {
            let writer: MovieWriter
            do { writer = try MovieWriter(path: output, replacing: replacing) } catch { throw EditError.unwritable(output, error) }
            try body(writer)
            do { try writer.finish() } catch {
                // Something was put there while the output was being made: it is kept.
                if error.code == CFFmpeg_AVERROR(EEXIST) { throw EditError.outputExists(output) }
                throw EditError.unwritable(output, error)
            }
        } catch let error as EditError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch let error as FFmpegError {
            // A full disk fails the writing, wherever in the work it strikes: said of the output,
            // not of the input ("could not be converted" sent users to look at their clip).
            throw error.isStorageRefusal ? .unwritable(output, error) : .failed(input, error)
        } catch {
            throw .failed(input, .invalidData)
        }
    }
}

extension EditRun {
    /// Opens the output file; failing here is about the output path, not the inputs.
    static func begin(_ writer: MovieWriter, output: String) throws(EditError) {
        do { try writer.begin() } catch { throw .unwritable(output, error) }
    }
}

/// Checks on where an edit writes.
enum OutputPath {
    /// Refuses, before any work: an extension that names no container written here, a file already
    /// at the output unless `replacing`, and an output that is one of the inputs (same file, whatever
    /// the path says).
    static func check(_ output: String, against inputs: [String], replacing: Bool) throws(EditError) {
        guard VideoContainer(forOutput: output) != nil else { throw .unsupportedContainer(output) }
        guard let target = try? FilePath(output).stat() else { return }
        for input in inputs {
            if let source = try? FilePath(input).stat(), source.deviceID == target.deviceID, source.inode == target.inode {
                throw .outputIsAnInput(output)
            }
        }
        if !replacing { throw .outputExists(output) }
    }
}
