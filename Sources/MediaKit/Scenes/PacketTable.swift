internal import CFFmpeg

/// A video stream's packets as the demuxer gives them, read without decoding (cheap: no picture is
/// made): when each frame shows, its size, whether it is a keyframe, and whether it is an anchor
/// (shown after every frame decoded before it: I- and P-frames; the others are B-frames, decoded
/// after the anchor they show before). Numbers every frame a decoder shows, in display order, exactly.
struct PacketTable {
    struct Entry: Equatable {
        let pts: Int64
        /// When it is decoded (its presentation time when the container gives none): what a seek
        /// searches by in containers without an index (MPEG-TS), and what MP4's index lists.
        let dts: Int64
        let size: Int
        let isKey: Bool
        let isAnchor: Bool
    }

    /// In decoding order.
    let entries: [Entry]
    /// Presentation timestamps in display order: a frame's number is its place here.
    let displayOrder: [Int64]
    private let numbers: [Int64: Int]

    var frameCount: Int { displayOrder.count }
    /// Whether some frames are B-frames (only those can be left undecoded without changing others).
    var hasBFrames: Bool { entries.contains { !$0.isAnchor } }

    /// The frame shown at `pts`, counted from the first packet read.
    func frame(at pts: Int64) -> Int? { numbers[pts] }

    /// Reads `stream`'s packets from where a `StreamDecoder` for `start` (seconds) begins to the
    /// end; nil when some packet has no presentation time or two share one (the frames cannot be
    /// numbered from the packets).
    static func read(_ file: MediaFile, stream: UnsafeMutablePointer<AVStream>, from start: Double) throws(FFmpegError) -> PacketTable? {
        for other in file.streams where other != stream { other.pointee.discard = AVDISCARD_ALL }
        try StreamDecoder.position(file, stream, before: start)
        let packet = try Packet()
        var entries: [Entry] = []
        var latest = Int64.min
        while try file.readPacket(into: packet) {
            let raw = packet.raw.pointee
            guard raw.stream_index == stream.pointee.index else { continue }
            guard raw.pts != CFFmpeg_AV_NOPTS_VALUE() else { return nil }
            entries.append(Entry(pts: raw.pts, dts: raw.dts == CFFmpeg_AV_NOPTS_VALUE() ? raw.pts : raw.dts, size: Int(raw.size), isKey: raw.flags & AV_PKT_FLAG_KEY != 0, isAnchor: raw.pts > latest))
            latest = max(latest, raw.pts)
        }
        let displayOrder = shown(entries).sorted()
        var numbers: [Int64: Int] = [:]
        numbers.reserveCapacity(displayOrder.count)
        for (number, pts) in displayOrder.enumerated() {
            guard numbers.updateValue(number, forKey: pts) == nil else { return nil }
        }
        return PacketTable(entries: entries, displayOrder: displayOrder, numbers: numbers)
    }

    /// The presentation times of the frames a decoder shows: from the first keyframe in decoding
    /// order, and none shown before it. A stream cut anywhere (a transport stream recorded or cut
    /// at a byte) starts with frames that refer to pictures it does not hold, some before its
    /// first parameter sets; FFmpeg shows none of them, nor the leading frames of an open group of
    /// pictures at the start, and ffprobe counts from the keyframe. A stream with no keyframe
    /// marked (periodic intra refresh) is taken whole.
    private static func shown(_ entries: [Entry]) -> [Int64] {
        guard let key = entries.firstIndex(where: \.isKey) else { return entries.map(\.pts) }
        let keyTime = entries[key].pts
        return entries[key...].map(\.pts).filter { $0 >= keyTime }
    }
}
