/// A 5×7 dot font for labels burned into pictures (a simulated shot's caption, a seam sheet's
/// times): no font library needed. Capitals, digits and a few signs; others are left blank.
enum BitmapFont {
    /// Seven rows of five dots per character, the leftmost dot the highest bit.
    static let rows: [Character: [UInt8]] = [
        "A": [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        "D": [0b11110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b11110],
        "E": [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
        "I": [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b11111],
        "J": [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100],
        "L": [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
        "M": [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
        "N": [0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001, 0b10001],
        "O": [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
        "S": [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
        "T": [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
        "U": [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
        "0": [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        "1": [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        "2": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        "3": [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
        "4": [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
        "5": [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
        "6": [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        "7": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
        "8": [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
        "9": [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
        ".": [0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100],
        ":": [0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000],
        "-": [0b00000, 0b00000, 0b00000, 0b11111, 0b00000, 0b00000, 0b00000],
        "#": [0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010],
    ]

    /// Width in dots of `count` characters (five each, one between).
    static func width(of count: Int) -> Int { max(0, count * 6 - 1) }

    /// Draws `text` (upper-cased) into packed RGB24 `pixels` of `pictureWidth` at (`left`, `top`),
    /// each dot `scale` pixels square, in `colour`. Dots outside the picture are skipped.
    static func draw(_ text: String, into pixels: inout [UInt8], pictureWidth: Int, left: Int, top: Int, scale: Int,
                     colour: (UInt8, UInt8, UInt8)) {
        let pictureHeight = pixels.count / max(1, pictureWidth * 3)
        for (position, letter) in text.uppercased().enumerated() {
            guard let rows = rows[letter] else { continue }
            for (dotRow, bits) in rows.enumerated() {
                for column in 0..<5 where bits & (0b10000 >> column) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let x = left + (position * 6 + column) * scale + dx, y = top + dotRow * scale + dy
                            guard x >= 0, x < pictureWidth, y >= 0, y < pictureHeight else { continue }
                            let at = (y * pictureWidth + x) * 3
                            pixels[at] = colour.0
                            pixels[at + 1] = colour.1
                            pixels[at + 2] = colour.2
                        }
                    }
                }
            }
        }
    }
}
