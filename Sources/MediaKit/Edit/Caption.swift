internal import CFFmpeg

/// A short line of capitals burned into the bottom-right corner of a YUV 4:2:0 picture: light
/// letters on a dark box, from a 5×7 bitmap font (`BitmapFont`: no font library needed for a label). Letters
/// the font lacks are left blank.
struct Caption {
    private let text: [Character]
    /// Pixels per font dot.
    private let scale: Int
    private let margin: Int

    init(text: String, frameHeight: Int) {
        self.text = Array(text.uppercased())
        scale = max(2, frameHeight / 180)
        margin = max(8, frameHeight / 40)
    }

    private var padding: Int { scale * 2 }
    private var boxWidth: Int { (text.count * 6 - 1) * scale + padding * 2 }
    private var boxHeight: Int { 7 * scale + padding * 2 }

    func burn(into frame: Frame) {
        let width = Int(frame.raw.pointee.width), height = Int(frame.raw.pointee.height)
        guard !text.isEmpty, boxWidth + margin <= width, boxHeight + margin <= height else { return }
        let left = (width - margin - boxWidth) & ~1, top = (height - margin - boxHeight) & ~1
        let luma = frame.plane(0), blue = frame.plane(1), red = frame.plane(2)
        for row in 0..<boxHeight {
            memset(luma.base + (top + row) * luma.stride + left, 24, boxWidth)
        }
        for row in 0..<(boxHeight + 1) / 2 {
            memset(blue.base + (top / 2 + row) * blue.stride + left / 2, 128, (boxWidth + 1) / 2)
            memset(red.base + (top / 2 + row) * red.stride + left / 2, 128, (boxWidth + 1) / 2)
        }
        for (position, letter) in text.enumerated() {
            guard let rows = BitmapFont.rows[letter] else { continue }
            let letterLeft = left + padding + position * 6 * scale
            for (dotRow, bits) in rows.enumerated() {
                for column in 0..<5 where bits & (0b10000 >> column) != 0 {
                    for y in 0..<scale {
                        let line = luma.base + (top + padding + dotRow * scale + y) * luma.stride
                        memset(line + letterLeft + column * scale, 230, scale)
                    }
                }
            }
        }
    }
}
