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
///
/// Frames may come with gaps (a scan that skips frames it can show are not cuts, `SparseScan`).
/// Two frames either side of a gap that differ by half the threshold or more may have a cut
/// between them (a cut's frames never come back half way within the window, and the gap's ends
/// lie within it); a frame that may be a cut but whose window was not all decoded cannot be
/// decided here. Both are reported in `undecided`, to be looked at again with every frame.
/// Keeps only the last few pictures: memory does not grow with the clip.
struct CutFinder {
    struct Settings: Sendable, Equatable {
        var threshold: Double = 27
        /// Frames looked at either side of a candidate (flashes up to this long are not cuts).
        var window: Int = 6
        var minimumShotFrames: Int = 12
    }

    private struct Seen {
        let frame: Int
        let seconds: Double
        let picture: ComparisonPicture
        /// The difference from the frame before; nil when that frame was not decoded.
        let score: Double?
    }

    let settings: Settings
    /// The first frame of the part scanned: a frame's window stops there (as at a clip's start).
    let firstFrame: Int
    /// The frames this finder reports on; the others are decided elsewhere.
    private let decides: (Int) -> Bool
    private(set) var cuts: [DetectedCut] = []
    /// Frames that may be cuts but could not be decided from the frames given.
    private(set) var undecided: [ClosedRange<Int>] = []
    /// The latest frames, oldest first: enough for the window either side of the next candidate.
    private var recent: [Seen] = []
    /// Candidates (frames with a score) waiting for their window after them.
    private var waiting: [Int] = []
    private var lastCutFrame: Int

    /// `lastCut`: the cut before the first frame given, when it is known (a second look at part
    /// of a clip), so that a shot's minimum length counts from it.
    init(settings: Settings, firstFrame: Int = 0, lastCut: Int? = nil, decides: @escaping (Int) -> Bool = { _ in true }) {
        self.settings = settings
        self.firstFrame = firstFrame
        self.decides = decides
        lastCutFrame = lastCut ?? firstFrame
    }

    /// The first frame's time.
    private(set) var firstSeconds: Double?
    /// The last frame given.
    private(set) var lastFrame: Int?

    mutating func add(_ picture: ComparisonPicture, frame: Int, seconds: Double) {
        if firstSeconds == nil { firstSeconds = seconds }
        var score: Double?
        if let previous = recent.last {
            let difference = picture.contentDifference(from: previous.picture)
            if previous.frame == frame - 1 {
                score = difference
            } else if difference >= settings.threshold / 2 || frame - previous.frame > settings.window {
                undecided.append(previous.frame + 1...frame)
            }
        } else if frame == firstFrame {
            score = 0
        } else if frame > firstFrame {
            undecided.append(firstFrame...frame)
        }
        recent.append(Seen(frame: frame, seconds: seconds, picture: picture, score: score))
        if score != nil { waiting.append(frame) }
        // A candidate is decided once the window after it has arrived.
        while let candidate = waiting.first, candidate + settings.window <= frame {
            waiting.removeFirst()
            decide(candidate, through: frame)
        }
        // Keep what the next candidates' windows reach: the frame before their window too.
        let oldest = (waiting.first ?? frame + 1) - settings.window - 1
        if let keep = recent.firstIndex(where: { $0.frame >= oldest }), keep > 0 { recent.removeFirst(keep) }
        lastFrame = frame
    }

    /// Decides the frames still waiting for their window: the part scanned ends at `lastFrame`.
    mutating func finish() {
        guard let last = lastFrame else { return }
        while let candidate = waiting.first {
            waiting.removeFirst()
            decide(candidate, through: last)
        }
    }

    private mutating func decide(_ candidate: Int, through last: Int) {
        guard decides(candidate), let place = recent.firstIndex(where: { $0.frame == candidate }),
              let score = recent[place].score, candidate > firstFrame,
              score >= settings.threshold, candidate - lastCutFrame >= settings.minimumShotFrames else { return }
        // The window: the frame before its first difference up to its last, as far as the part goes.
        let lower = max(firstFrame, candidate - settings.window - 1)
        let upper = min(last, candidate + settings.window)
        let window = recent.filter { (lower...upper).contains($0.frame) }
        guard window.count == upper - lower + 1 else {
            undecided.append(candidate...candidate)
            return
        }
        let motion = Self.median(window.filter { $0.frame != candidate && $0.frame > lower }.compactMap(\.score))
        guard score >= motion + settings.threshold / 2 else { return }
        let before = window.filter { $0.frame >= max(candidate - settings.window, lastCutFrame) && $0.frame < candidate }
        let after = window.filter { $0.frame >= candidate && $0.frame < candidate + settings.window }
        // Came back at least half way (and under half the threshold from it, for small jumps): a transient.
        let comeback = max(settings.threshold, score) / 2
        for earlier in before {
            for later in after where later.picture.contentDifference(from: earlier.picture) < comeback { return }
        }
        lastCutFrame = candidate
        cuts.append(DetectedCut(frame: candidate, seconds: recent[place].seconds, score: (score * 100).rounded() / 100))
    }

    private static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
