/// How wide a terminal is, and how wide text shows on it: a status line rewritten in place must
/// fit on one row, or each rewrite leaves the rows it wrapped onto behind (a 100 MB upload on an
/// 80-column terminal printed hundreds of half lines).
enum TerminalColumns {
    /// Columns of the terminal on standard error, asked each time (a window can be resized
    /// between two rewrites); nil when it is not a terminal or will not say.
    static var ofStandardError: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` in at most `columns` columns: as it is when it fits, else its middle left out for
    /// "…", so the start (what it is about) and the end (how far it is) stay.
    static func fitted(_ text: String, in columns: Int) -> String {
        guard width(of: text) > columns else { return text }
        guard columns > 1 else { return String(text.prefix(max(0, columns))) }
        let room = columns - 1
        let headRoom = room / 3
        var head = "", headWidth = 0
        for character in text {
            let wide = width(of: character)
            guard headWidth + wide <= headRoom else { break }
            head.append(character)
            headWidth += wide
        }
        var tail: [Character] = [], tailWidth = 0
        for character in text.reversed() {
            let wide = width(of: character)
            guard tailWidth + wide <= room - headWidth else { break }
            tail.append(character)
            tailWidth += wide
        }
        return head + "…" + String(tail.reversed())
    }

    /// Columns `text` takes on a terminal.
    static func width(of text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Columns a character takes: none for a control character or a lone combining mark, two for
    /// East Asian wide and full-width characters and emoji shown as pictures, else one.
    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark: return 0
        default: break
        }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return wideRanges.contains { $0.contains(first.value) } ? 2 : 1
    }

    /// Unicode's East Asian Wide and Fullwidth blocks (Hangul, CJK, kana, full-width forms).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD,
    ]
}
