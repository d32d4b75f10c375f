/// The size a picture is shown at: its stored size stretched by the sample aspect ratio, then
/// turned by the display matrix. This, not the stored size, is what the viewer (and the choice of
/// `aspect_ratio`) sees.
struct DisplaySize: Equatable {
    let width: Int
    let height: Int
    let aspect: AspectRatio

    init(storedWidth: Int, storedHeight: Int, sampleAspect: AspectRatio?, rotation: Int?) {
        let sar = sampleAspect ?? AspectRatio(1, 1)
        // FFmpeg's convention: non-square pixels widen or narrow the picture; the height stays.
        var width = Int((Double(storedWidth) * Double(sar.width) / Double(sar.height)).rounded())
        var height = storedHeight
        var aspect = AspectRatio.reduced(storedWidth * sar.width, storedHeight * sar.height)
        if Self.isQuarterTurn(rotation) {
            swap(&width, &height)
            aspect = AspectRatio(aspect.height, aspect.width)
        }
        self.width = width
        self.height = height
        self.aspect = aspect
    }

    /// Whether a clockwise rotation swaps width and height (90 or 270 degrees, to the nearest
    /// quarter turn: a matrix off by a rounding error still means a phone held upright).
    static func isQuarterTurn(_ rotation: Int?) -> Bool {
        guard let rotation else { return false }
        let quarterTurns = Int((Double(rotation) / 90).rounded())
        return quarterTurns % 2 != 0
    }
}
