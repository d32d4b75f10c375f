import Support
internal import CFFmpeg

/// Finds a clip's hard cuts: each frame looked at made small and compared with its neighbours
/// (`CutFinder`). Not every frame is decoded (`FramesToDecode`): where frames were skipped and a
/// cut may lie between them, that stretch is decoded again in full, so the cuts are those of a
/// scan that decodes everything. Runs on MediaKit's own threads, one of the process's media
/// slots, cancellable between frames.
public enum ShotDetection {
    public struct Settings: Sendable, Equatable {
        /// PySceneDetect's ContentDetector threshold (its default, 27): lower finds subtler cuts.
        public var threshold: Double = 27
        /// A flash (or anything that comes back) this long or shorter is not a cut; also the
        /// shortest shot, in seconds, is this times two.
        public var flashSeconds: Double = 0.25
        /// Decode every frame, not only those that may hold a cut (the same cuts, more slowly: for tests).
        var decodesEveryFrame = false
        /// Decoders for a whole clip, in stretches side by side when more than one (the same cuts
        /// and scores however many: for tests); nil for the media work's share of the cores.
        var decoders: Int?
        /// The stretch whose decoder is taken not to start at its keyframe (for tests: the scan
        /// then goes back to one pass).
        var stretchThatMissesItsStart: Int?

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
        guard let video = info.primaryVideo, !file.isImageSequenceOrStill,
              let stream = file.streams.first(where: { Int($0.pointee.index) == video.index }) else { throw .noVideo(path) }
        let framesPerSecond = video.averageFrameRate.value ?? video.nominalFrameRate.value ?? 24
        let total = video.duration ?? info.format.duration ?? 0
        let finderSettings = settings.finderSettings(framesPerSecond: framesPerSecond)
        // A second before the part asked for, so a cut at its very start has frames to compare with.
        let from = lastSeconds.map { max(0, total - $0 - 1) } ?? 0
        // A check (the clip's end) decodes on one thread (its pictures are made on another): a few
        // seconds of video, and a batch runs several at once, where more threads would only contend.
        // A whole clip takes its share of the cores, as every piece of media work does: one
        // single-threaded decoder per core, each on its own stretch (or, in one pass, that many threads).
        let threads: Int32 = lastSeconds == nil ? MediaThreads.codecThreads : 1
        let secondsPerTick = av_q2d(stream.pointee.time_base)
        let origin = file.startTime ?? 0
        let seconds = { (pts: Int64) in Double(pts) * secondsPerTick - origin }
        return try catchingFFmpeg({ ShotDetectionError.failed(path, $0) }) { () throws -> ShotList in
            guard let table = try PacketTable.read(file, stream: stream, from: from), table.frameCount > 0 else {
                return try detectDecodingAll(path, streamIndex: video.index, from: from, threads: threads, settings: finderSettings,
                                             framesPerSecond: framesPerSecond, total: total, progress: progress)
            }
            // Decoding starts at the keyframe before `from`: frames before it are not looked at.
            let first = table.displayOrder.firstIndex { seconds($0) >= from - 0.000_1 } ?? 0
            let window = finderSettings.window
            var finder = CutFinder(settings: finderSettings, firstFrame: first)
            let plan = FramesToDecode(table, window: window, first: first)
            let skipping = table.hasBFrames && !settings.decodesEveryFrame ? Self.skipping(table, unless: plan.wants) : nil
            let frames = first...(table.frameCount - 1)
            let decoders = lastSeconds == nil ? settings.decoders ?? MediaThreads.decoderShare : 1
            // A pass begun again (stretches that could not be decoded so) goes over ground already
            // reported: the progress holds until it is past it, never going back.
            var reached = 0.0
            try pictures(path, streamIndex: video.index, table: table, frames: frames, from: from, threads: threads, decoders: decoders,
                         skipping: skipping, missing: settings.stretchThatMissesItsStart, restarting: { finder = CutFinder(settings: finderSettings, firstFrame: first) }) { picture, frame, time in
                finder.add(picture, frame: frame, seconds: time)
                reached = max(reached, time - from)
                progress(reached, total - from)
            }
            finder.finish()
            guard finder.lastFrame != nil else { throw ShotDetectionError.noFrames(path) }
            // A second look, every frame decoded, where the frames skipped may have held a cut. Its
            // progress goes on from the first pass's, the total grown by the stretches looked at again.
            var cuts = finder.cuts
            let regions = Self.regions(finder.undecided, reach: window + 1, within: first...(table.frameCount - 1))
            let span = { (region: ClosedRange<Int>) in
                seconds(table.displayOrder[region.upperBound]) - seconds(table.displayOrder[region.lowerBound]) + 1 / framesPerSecond
            }
            let firstPass = total - from
            let lookTotal = firstPass + regions.map(span).reduce(0, +)
            var looked = firstPass
            for region in regions {
                var look = CutFinder(settings: finderSettings, firstFrame: first, lastCut: cuts.last { $0.frame < region.lowerBound }?.frame,
                                     decides: { frame in finder.undecided.contains { $0.contains(frame) } })
                let regionStart = seconds(table.displayOrder[region.lowerBound])
                var lookNumbering = FrameNumbering.byTable(table, frames: region)
                try decode(path, streamIndex: video.index, from: regionStart, threads: threads, numbering: &lookNumbering,
                           skipping: Self.skipping(table, unless: region.contains)) { picture, frame, time in
                    look.add(picture, frame: frame, seconds: time)
                    progress(looked + time - regionStart, lookTotal)
                }
                looked += span(region)
                progress(looked, lookTotal)
                look.finish()
                cuts += look.cuts
            }
            let last = table.displayOrder[table.frameCount - 1]
            let end = video.duration.flatMap { $0 > seconds(last) ? $0 : nil } ?? seconds(last) + 1 / framesPerSecond
            // Frames are numbered from the part's first; a part's first frame number is its time × rate.
            let offset = from == 0 ? -first : Int((seconds(table.displayOrder[first]) * framesPerSecond).rounded()) - first
            return ShotList(path: path, firstFrame: first + offset, frameCount: table.frameCount - first, duration: end,
                            scannedFrom: Self.time(seconds(table.displayOrder[first])),
                            cuts: Self.spaced(cuts, minimum: finderSettings.minimumShotFrames).map {
                                DetectedCut(frame: $0.frame + offset, seconds: $0.seconds, score: $0.score)
                            })
        }
    }

    /// Hands `take` the comparison picture of each of `frames`, in display order: a whole clip in
    /// stretches side by side, one single-threaded decoder each (`SegmentedPictures`), when there
    /// are `decoders` and keyframes to start stretches at, none of them two thirds of the clip; else,
    /// and if a stretch cannot be decoded so (then after `restarting`), in one pass, which meets the
    /// same trouble where it lies.
    private static func pictures(_ path: String, streamIndex: Int, table: PacketTable, frames: ClosedRange<Int>, from: Double,
                                 threads: Int32, decoders: Int, skipping: ((Int64) -> Bool)?, missing: Int?, restarting: () -> Void,
                                 _ take: (ComparisonPicture, Int, Double) throws(ShotDetectionError) -> Void) throws(ShotDetectionError) {
        let segments = decoders > 1 ? SegmentedPictures.segments(table, frames: frames, decoders: decoders) : []
        // Stretches pay when none is most of the clip: one decoder's own threads do better on a clip
        // with one long group of pictures (keyframes ten seconds apart, a short clip).
        let longest = segments.map(\.frames.count).max() ?? frames.count
        if segments.count > 1, longest * 3 <= frames.count * 2 {
            let pictures = SegmentedPictures(path: path, streamIndex: streamIndex, table: table, segments: segments,
                                             decoders: min(decoders, segments.count), skipping: skipping, missesItsStart: missing)
            do throws(SegmentedPicturesError<ShotDetectionError>) {
                try pictures.forEach { (made) throws(ShotDetectionError) in
                    if Task.isCancelled { throw .cancelled }
                    try take(made.picture, made.frame, made.seconds)
                }
                return
            } catch {
                switch error {
                case .taken(let taken): throw taken
                case .decoding: restarting()
                }
            }
        }
        var numbering = FrameNumbering.byTable(table, frames: frames)
        try decode(path, streamIndex: streamIndex, from: from, threads: threads, numbering: &numbering, skipping: skipping, take)
    }

    /// What a decoder may skip, if no other frame refers to it: the frames `wanted` does not name,
    /// by presentation time.
    private static func skipping(_ table: PacketTable, unless wanted: @escaping (Int) -> Bool) -> (Int64) -> Bool {
        { pts in table.frame(at: pts).map { !wanted($0) } ?? false }
    }

    /// Decodes from `from`, skipping the unreferenced frames `skipping` names (by presentation
    /// time), and hands over the comparison picture of each frame `numbering` looks at, in display
    /// order, until it says stop.
    private static func decode(_ path: String, streamIndex: Int, from: Double, threads: Int32, numbering: inout FrameNumbering,
                               skipping: ((Int64) -> Bool)?,
                               _ take: (ComparisonPicture, Int, Double) throws(ShotDetectionError) -> Void) throws(ShotDetectionError) {
        try catchingFFmpeg({ ShotDetectionError.failed(path, $0) }) {
            let decoder = try StreamDecoder(path: path, streamIndex: streamIndex, from: from, threads: threads)
            decoder.skipsUnreferenced = skipping
            let line = PictureLine(ComparisonScaler(for: decoder))
            defer { line.close() }
            func hand(_ made: PictureLine.Made) throws(ShotDetectionError) { try take(made.picture, made.frame, made.seconds) }
            try numbering.look(through: decoder, stopping: { if Task.isCancelled { throw ShotDetectionError.cancelled }; return false }) {
                try line.add($0, number: $1, seconds: $2, take: hand)
            }
            try line.finish(take: hand)
        }
    }

    /// Without presentation times to number frames by (raw streams): every frame decoded, numbered as it comes.
    private static func detectDecodingAll(_ path: String, streamIndex: Int, from: Double, threads: Int32, settings: CutFinder.Settings,
                                          framesPerSecond: Double, total: Double,
                                          progress: (_ done: Double, _ total: Double) -> Void) throws(ShotDetectionError) -> ShotList {
        var finder = CutFinder(settings: settings)
        var numbering = FrameNumbering.asTheyCome(from: from, framesPerSecond: framesPerSecond)
        var last = 0.0
        try decode(path, streamIndex: streamIndex, from: from, threads: threads, numbering: &numbering, skipping: nil) { picture, frame, time in
            finder.add(picture, frame: frame, seconds: time)
            last = time
            progress(time - from, total - from)
        }
        finder.finish()
        guard numbering.looked > 0 else { throw .noFrames(path) }
        let offset = from == 0 ? 0 : Int(((finder.firstSeconds ?? from) * framesPerSecond).rounded())
        return ShotList(path: path, firstFrame: offset, frameCount: numbering.looked, duration: max(total, last + 1 / framesPerSecond),
                        scannedFrom: finder.firstSeconds ?? 0,
                        cuts: finder.cuts.map { DetectedCut(frame: $0.frame + offset, seconds: $0.seconds, score: $0.score) })
    }

    /// The frames to look at again: each undecided range with its window either side, overlaps joined.
    static func regions(_ undecided: [ClosedRange<Int>], reach: Int, within bounds: ClosedRange<Int>) -> [ClosedRange<Int>] {
        var regions: [ClosedRange<Int>] = []
        for range in undecided.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let lower = max(bounds.lowerBound, range.lowerBound - reach)
            let upper = min(bounds.upperBound, range.upperBound + reach)
            guard lower <= upper else { continue }
            if let last = regions.last, lower <= last.upperBound + 1 {
                regions[regions.count - 1] = last.lowerBound...max(last.upperBound, upper)
            } else {
                regions.append(lower...upper)
            }
        }
        return regions
    }

    /// A first frame's time on the clip's clock, the clock's start (ticks less a start time kept in
    /// microseconds) within a microsecond of it counted as 0 (`scanned_from` is told only when later).
    private static func time(_ seconds: Double) -> Double { seconds < 0.000_001 ? 0 : seconds }

    /// Cuts in order, a shot's minimum length apart (a second look may find one close to another).
    static func spaced(_ cuts: [DetectedCut], minimum: Int) -> [DetectedCut] {
        var kept: [DetectedCut] = []
        for cut in cuts.sorted(by: { $0.frame < $1.frame }) where kept.last.map({ cut.frame - $0.frame >= minimum }) ?? true {
            kept.append(cut)
        }
        return kept
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
