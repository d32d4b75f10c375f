/// Which B-frames a shot scan decodes. Anchors (I- and P-frames) and the B-frames others refer to
/// are always decoded (skipping those would change the frames after them); the other B-frames,
/// most of a typical stream's frames and a good share of its decoding time, only where a cut may
/// be: around an anchor that is a keyframe or much bigger than the anchors before it (an encoder
/// spends bits where the picture cannot be predicted from the one before, which is what a cut
/// is), and at the ends of the part scanned. Elsewhere the frames decoded show whether something
/// was missed (`CutFinder.undecided`), so this choice decides only the speed, never a cut.
struct FramesToDecode {
    /// By frame number.
    private var wanted: [Bool]

    /// An anchor this many times the median size of the anchors before it is looked at closely.
    static let sizeJump = 2.5

    /// Frames chosen from the packets' sizes and keyframes: `window` frames and one more either
    /// side of each change, and of the part's ends (from frame `first` on).
    init(_ table: PacketTable, window: Int, first: Int) {
        wanted = Array(repeating: false, count: table.frameCount)
        let reach = window + 1
        mark(first...first + reach)
        mark(table.frameCount - 1 - reach...table.frameCount - 1)
        var previous: Int?
        var recentSizes: [Int] = []
        for entry in table.entries where entry.isAnchor {
            guard let frame = table.frame(at: entry.pts) else { continue }
            let sorted = recentSizes.sorted()
            let jumps = sorted.count >= 3 && Double(entry.size) >= Self.sizeJump * Double(sorted[sorted.count / 2])
            if entry.isKey || jumps { mark((previous ?? frame) - reach...frame + reach) }
            previous = frame
            recentSizes.append(entry.size)
            if recentSizes.count > 8 { recentSizes.removeFirst() }
        }
    }

    func wants(_ frame: Int) -> Bool { wanted.indices.contains(frame) && wanted[frame] }

    private mutating func mark(_ range: ClosedRange<Int>) {
        let lower = max(range.lowerBound, 0)
        let upper = min(range.upperBound, wanted.count - 1)
        guard lower <= upper else { return }
        for frame in lower...upper { wanted[frame] = true }
    }
}
