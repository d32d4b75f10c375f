import Support
internal import CFFmpeg

/// Finds a clip's hard cuts: every frame decoded, made small,
/// compared with its neighbours (see `CutFinder`). Runs on MediaKit's own threads, one of the
/// process's media slots, cancellable between frames.
public enum ShotDetection {
    public struct Settings: Sendable, Equatable {
        /// PySceneDetect's ContentDetector threshold (its default, 27): lower finds subtler cuts.
        public var threshold: Double = 27
        /// A flash (or anything that comes back) this long or shorter is not a cut; also the
        /// shortest shot, in seconds, is this times two.
        public var flashSeconds: Double = 0.25

        public init(threshold: Double = 27, flashSeconds: Double = 0.25) {
            self.threshold = threshold
            self.flashSeconds = flashSeconds
        }

        func finderSettings(framesPerSecond: Double) -> CutFinder.Settings {
            let window = min(12, max(2, Int((flashSeconds * framesPerSecond).rounded())))
            return CutFinder.Settings(threshold: threshold, window: window, minimumShotFrames: 2 * window)
        }
    }

    /// The clip's cuts; with `lastSeconds`, only those in its last so many seconds (what a
    /// continuation sends), decoding from a second before them. `progress` hears (seconds decoded,
    /// seconds to decode) as it goes. A scan of the end is the check before a submission: it has
    /// its own slots, so it never waits behind a batch's stitches.
    public static func detect(in path: String, lastSeconds: Double? = nil, settings: Settings = Settings(),
                              progress: @escaping @Sendable (_ done: Double, _ total: Double) -> Void = { _, _ in })
        async throws(ShotDetectionError) -> ShotList {
        try await MediaThreads.run(lastSeconds == nil ? .edit : .check) { () throws(ShotDetectionError) in
            try detectHere(in: path, lastSeconds: lastSeconds, settings: settings, progress: progress)
        }
    }

    static func detectHere(in path: String, lastSeconds: Double?, settings: Settings,
                           progress: (_ done: Double, _ total: Double) -> Void) throws(ShotDetectionError) -> ShotList {
        let file: MediaFile
        let info: MediaInfo
        do { (file, info) = try Probe.open(atPath: path) } catch { throw .unreadable(error) }
        guard let video = info.primaryVideo, !file.isImageSequenceOrStill else { throw .noVideo(path) }
        let framesPerSecond = video.averageFrameRate.value ?? video.nominalFrameRate.value ?? 24
        let total = video.duration ?? info.format.duration ?? 0
        var finder = CutFinder(settings: settings.finderSettings(framesPerSecond: framesPerSecond))
        // A second before the part asked for, so a cut at its very start has frames to compare with.
        let from = lastSeconds.map { max(0, total - $0 - 1) } ?? 0
        var last = 0.0
        var firstFrame: Int?
        try catchingFFmpeg({ ShotDetectionError.failed(path, $0) }) {
            // A check (the clip's end) decodes on one thread: a few seconds of video, and a batch runs
            // several at once, where more threads would only contend.
            let decoder = try StreamDecoder(file: file, streamIndex: video.index, from: from, threads: lastSeconds == nil ? 0 : 1)
            let scaler = ComparisonScaler(storedWidth: Int(decoder.context.pointee.width), storedHeight: Int(decoder.context.pointee.height))
            while let (frame, seconds) = try decoder.next() {
                if Task.isCancelled { throw ShotDetectionError.cancelled }
                let time = seconds.isFinite ? seconds : last + 1 / framesPerSecond
                // Decoding starts at the keyframe before `from`: frames before it are not looked at.
                if time < from - 0.000_1 { continue }
                if firstFrame == nil { firstFrame = from == 0 ? 0 : Int((time * framesPerSecond).rounded()) }
                finder.add(try scaler.picture(of: frame), seconds: time)
                last = time
                progress(time - from, total - from)
            }
        }
        finder.finish()
        guard finder.frameCount > 0 else { throw .noFrames(path) }
        // Where the last frame stops showing: the stream's own end when it has one past that frame.
        let end = video.duration.flatMap { $0 > last ? $0 : nil } ?? last + 1 / framesPerSecond
        let offset = firstFrame ?? 0
        let cuts = finder.cuts.map { DetectedCut(frame: $0.frame + offset, seconds: $0.seconds, score: $0.score) }
        return ShotList(path: path, firstFrame: offset, frameCount: finder.frameCount, duration: end,
                        scannedFrom: finder.firstSeconds ?? 0, cuts: cuts)
    }
}

public enum ShotDetectionError: Error, Equatable, CustomStringConvertible {
    case unreadable(ProbeError)
    case noVideo(String)
    case noFrames(String)
    case failed(String, FFmpegError)
    case cancelled

    public var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .noVideo(let path): return "\(path): has no video stream to find shots in"
        case .noFrames(let path): return "\(path): no frame of its video could be decoded"
        case .failed(let path, let error): return "\(path): decoding failed (FFmpeg: \(error))"
        case .cancelled: return "interrupted; no shots were reported"
        }
    }
}
