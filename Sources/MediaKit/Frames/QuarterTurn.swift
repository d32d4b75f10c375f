/// Where a pixel lands when a picture is turned clockwise by quarter turns: the one mapping both
/// turners (RGB pictures for frames, planes for edits) use.
enum QuarterTurn {
    /// The pixel at (`x`, `y`) of a `width`×`height` picture, turned `turns` quarter turns (1, 2 or 3).
    @inline(__always)
    static func place(x: Int, y: Int, width: Int, height: Int, turns: Int) -> (x: Int, y: Int) {
        switch turns {
        case 1: return (height - 1 - y, x)
        case 2: return (width - 1 - x, height - 1 - y)
        default: return (y, width - 1 - x)
        }
    }
}
