internal import CFFmpeg

/// Where a clip's video packets can be split without decoding: keyframes that begin a closed group
/// of pictures. At such a cut every packet before it (in decoding order) shows before it, and every
/// packet from it on shows at or after it, so the packets on either side decode on their own.
/// An open GOP's leading B-frames (shown before their keyframe, decoded after it) rule a keyframe out.
///
/// Read from the packets' headers only (no decoding): for a short clip, milliseconds.
struct CutPoints {
    /// Clean cuts as output frame numbers of the clip (its presentation time × the frame rate), rising.
    let frames: [Int64]
    /// The presentation timestamp (in the stream's time base) at each cut, to find the packet again.
    let timestamps: [Int64]

    init(path: String, streamIndex: Int, frameRate: Rational) throws(FFmpegError) {
        let file = try MediaFile(path: path)
        guard let stream = file.streams.first(where: { Int($0.pointee.index) == streamIndex }) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL))
        }
        for other in file.streams where other != stream { other.pointee.discard = AVDISCARD_ALL }
        var packets: [(pts: Int64, key: Bool)] = []
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            guard packet.raw.pointee.stream_index == stream.pointee.index else { continue }
            let pts = packet.raw.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? packet.raw.pointee.dts : packet.raw.pointee.pts
            packets.append((pts, (packet.raw.pointee.flags & AV_PKT_FLAG_KEY) != 0))
        }
        let origin = stream.pointee.start_time == CFFmpeg_AV_NOPTS_VALUE() ? 0 : stream.pointee.start_time
        let secondsPerTick = av_q2d(stream.pointee.time_base)
        let framesPerSecond = frameRate.value ?? 24
        // Latest showing time before each packet, and earliest from each packet on.
        var earliestFrom = [Int64](repeating: .max, count: packets.count + 1)
        for position in packets.indices.reversed() { earliestFrom[position] = min(earliestFrom[position + 1], packets[position].pts) }
        var latestBefore = Int64.min
        var frames: [Int64] = [], timestamps: [Int64] = []
        for (position, packet) in packets.enumerated() {
            if packet.key, latestBefore < packet.pts, earliestFrom[position] >= packet.pts {
                frames.append(Int64((Double(packet.pts - origin) * secondsPerTick * framesPerSecond).rounded()))
                timestamps.append(packet.pts)
            }
            latestBefore = max(latestBefore, packet.pts)
        }
        self.frames = frames
        self.timestamps = timestamps
    }

    /// The first clean cut at or after frame `frame`.
    func first(atOrAfter frame: Int64) -> (frame: Int64, timestamp: Int64)? {
        frames.firstIndex { $0 >= frame }.map { (frames[$0], timestamps[$0]) }
    }

    /// The last clean cut at or before frame `frame`.
    func last(atOrBefore frame: Int64) -> (frame: Int64, timestamp: Int64)? {
        frames.lastIndex { $0 <= frame }.map { (frames[$0], timestamps[$0]) }
    }
}
