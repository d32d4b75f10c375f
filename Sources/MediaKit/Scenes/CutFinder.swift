/// Finds hard cuts in a stream of comparison pictures, frame by frame, deciding each frame a few
/// frames after it arrives. A frame starts a new shot when
/// - it differs from the frame before by at least the threshold (PySceneDetect's content value
///   and default threshold, 27),
/// - it stands out from the motion around it: by half the threshold over the median difference of
///   the frames near it (fast motion changes every frame a lot, a cut changes one frame more),
/// - nothing just after it comes back at least half way to anything just before it (within
///   `window` frames either side): a flash, a frame dropped to black or a passing object comes
///   back, a new shot does not,
/// - and the shot it ends is at least `minimumShotFrames` long.
/// Keeps only the last few pictures: memory does not grow with the clip.
struct CutFinder {
    struct Settings: Sendable, Equatable {
        var threshold: Double = 27
        /// Frames looked at either side of a candidate (flashes up to this long are not cuts).
        var window: Int = 6
        var minimumShotFrames: Int = 12
    }

    let settings: Settings
    /// Each frame's difference from the one before (the first frame's is 0).
    private(set) var scores: [Double] = []
    private(set) var cuts: [DetectedCut] = []
    /// The latest frames, oldest first: enough for the window either side of the next candidate.
    private var recent: [(frame: Int, seconds: Double, picture: ComparisonPicture)] = []
    private var decidedThrough = 0
    private var lastCutFrame = 0

    init(settings: Settings) { self.settings = settings }

    /// The first frame's time.
    private(set) var firstSeconds: Double?

    /// Frames seen so far.
    var frameCount: Int { scores.count }

    mutating func add(_ picture: ComparisonPicture, seconds: Double) {
        let frame = scores.count
        if firstSeconds == nil { firstSeconds = seconds }
        scores.append(recent.last.map { picture.contentDifference(from: $0.picture) } ?? 0)
        recent.append((frame, seconds, picture))
        if recent.count > 2 * settings.window + 1 { recent.removeFirst() }
        // A candidate is decided once the window after it has arrived.
        while decidedThrough + settings.window < frame { decide(decidedThrough + 1) }
    }

    /// Decides the frames still waiting for their window (the clip ended).
    mutating func finish() {
        while decidedThrough + 1 < scores.count { decide(decidedThrough + 1) }
    }

    private mutating func decide(_ candidate: Int) {
        decidedThrough = candidate
        let score = scores[candidate]
        guard score >= settings.threshold, candidate - lastCutFrame >= settings.minimumShotFrames else { return }
        guard score >= motion(around: candidate) + settings.threshold / 2 else { return }
        guard let place = recent.firstIndex(where: { $0.frame == candidate }) else { return }
        let before = recent[max(0, place - settings.window)..<place].filter { $0.frame >= lastCutFrame }
        let after = recent[place..<min(recent.count, place + settings.window)]
        // Came back at least half way (and under half the threshold from it, for small jumps): a transient.
        let comeback = max(settings.threshold, score) / 2
        for earlier in before {
            for later in after where later.picture.contentDifference(from: earlier.picture) < comeback { return }
        }
        lastCutFrame = candidate
        cuts.append(DetectedCut(frame: candidate, seconds: recent[place].seconds, score: (score * 100).rounded() / 100))
    }

    /// The median difference of the frames near `frame` (not counting it).
    private func motion(around frame: Int) -> Double {
        let lower = max(1, frame - settings.window)
        let upper = min(scores.count - 1, frame + settings.window)
        var near = (lower...max(lower, upper)).filter { $0 != frame && $0 < scores.count }.map { scores[$0] }
        guard !near.isEmpty else { return 0 }
        near.sort()
        return near[near.count / 2]
    }
}
