/// How a scan numbers the frames its decoder gives, and which of them it looks at.
struct FrameNumbering {
    enum Placement: Equatable {
        /// Look at this frame: its number and time.
        case look(frame: Int, seconds: Double)
        /// Not one of the frames asked for (before them, or not numbered).
        case pass
        /// Past the frames asked for: the scan is done.
        case stop
    }

    private enum Rule {
        /// By the packet table's display order: the frames in the range only.
        case table(PacketTable, ClosedRange<Int>)
        /// As they come, from the first at or after `from` seconds (streams without presentation times).
        case arrival(from: Double, framesPerSecond: Double)
    }

    private let rule: Rule
    /// Frames looked at so far.
    private(set) var looked = 0
    private var lastSeconds: Double?

    static func byTable(_ table: PacketTable, frames: ClosedRange<Int>) -> FrameNumbering {
        FrameNumbering(rule: .table(table, frames))
    }

    static func asTheyCome(from: Double, framesPerSecond: Double) -> FrameNumbering {
        FrameNumbering(rule: .arrival(from: from, framesPerSecond: framesPerSecond))
    }

    /// Where the decoded frame with presentation time `pts` (`seconds` on the clip's clock) stands.
    mutating func place(pts: Int64, seconds: Double) -> Placement {
        let placement: Placement
        switch rule {
        case .table(let table, let frames):
            guard let number = table.frame(at: pts), seconds.isFinite else { return .pass }
            if number > frames.upperBound { return .stop }
            guard number >= frames.lowerBound else { return .pass }
            placement = .look(frame: number, seconds: seconds)
        case .arrival(let from, let framesPerSecond):
            // A frame without a time follows the last one (the first is at the start).
            let time = seconds.isFinite ? seconds : lastSeconds.map { $0 + 1 / framesPerSecond } ?? from
            guard time >= from - 0.000_1 else { return .pass }
            placement = .look(frame: looked, seconds: time)
            lastSeconds = time
        }
        looked += 1
        return placement
    }

    /// Decodes on with `decoder`, handing `look` each frame this numbering looks at (the frame,
    /// its number and time) until it says stop or the stream ends; false when `stopping`, asked
    /// before each frame, said to stop first.
    @discardableResult
    mutating func look(through decoder: StreamDecoder, stopping: () throws -> Bool,
                       _ look: (_ frame: Frame, _ number: Int, _ seconds: Double) throws -> Void) throws -> Bool {
        while let (frame, time) = try decoder.next() {
            if try stopping() { return false }
            switch place(pts: frame.raw.pointee.pts, seconds: time) {
            case .look(let number, let seconds): try look(frame, number, seconds)
            case .pass: continue
            case .stop: return true
            }
        }
        return true
    }
}
