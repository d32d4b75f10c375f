internal import CFFmpeg

/// Decodes one stream of a clip, frame by frame, on demand: the video and the audio of a clip each
/// get their own (and their own demuxer), so the two can be pulled side by side and the output
/// interleaves as it is written without holding either in memory.
final class StreamDecoder {
    let file: MediaFile
    let stream: UnsafeMutablePointer<AVStream>
    private let decoder: DecoderContext
    private let packet: Packet
    private let frame: Frame
    private let secondsPerTick: Double
    /// Times are measured from the container's start, so a clip that starts late (MPEG-TS) starts at 0.
    private let origin: Double
    private var reading = true
    private var drained = false
    /// Whether `packet` holds the stream's next packet, read but not yet sent (`nextPacketTimes`).
    private var readAhead = false
    /// Whether, for the packet shown at a presentation time, frames no other frame refers to are
    /// skipped (`AVDISCARD_NONREF`); nil to decode every frame.
    var skipsUnreferenced: ((Int64) -> Bool)?
    /// The presentation time of the last packet wanted: the stream is taken to end after it
    /// (frames after it are not decoded to bring out the ones before).
    var lastPacket: Int64?

    /// `threads`: FFmpeg's (0: as many as it sees fit).
    init(file: MediaFile, streamIndex: Int, from start: Double = 0, threads: Int32 = MediaThreads.codecThreads) throws(FFmpegError) {
        guard let stream = file.streams.first(where: { Int($0.pointee.index) == streamIndex }) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL))
        }
        self.file = file
        self.stream = stream
        decoder = try DecoderContext(for: stream, threads: threads)
        packet = try Packet()
        frame = try Frame()
        secondsPerTick = av_q2d(stream.pointee.time_base)
        origin = file.startTime ?? 0
        // Other streams' packets are skipped by the demuxer, not read and thrown away here.
        for other in file.streams where other != stream { other.pointee.discard = AVDISCARD_ALL }
        try Self.position(file, stream, before: start)
    }

    /// Moves `file` to where decoding for `start` begins: a keyframe at least half a second before it.
    static func position(_ file: MediaFile, _ stream: UnsafeMutablePointer<AVStream>, before start: Double) throws(FFmpegError) {
        if start > 0.5 { try file.seek(stream, toSeconds: start + (file.startTime ?? 0) - 0.5) }
    }

    /// Opens `path` again for one of its streams.
    convenience init(path: String, streamIndex: Int, from start: Double = 0, threads: Int32 = MediaThreads.codecThreads) throws(FFmpegError) {
        let file = try MediaFile(path: path)
        try file.findStreamInfo()
        try self.init(file: file, streamIndex: streamIndex, from: start, threads: threads)
    }

    /// Goes on from the keyframe at or before `timestamp` (in the stream's time base) as if newly
    /// made there, keeping the decoder and the frames it allocated: for a decoder that takes one
    /// stretch of a clip after another.
    func restart(at timestamp: Int64) throws(FFmpegError) {
        try file.seek(stream, toTimestamp: timestamp)
        avcodec_flush_buffers(context)
        reading = true
        drained = false
        readAhead = false
    }

    /// The presentation and decoding times of the next packet it will decode (read now, decoded
    /// in its turn); nil at the end. Shows where a seek landed.
    func nextPacketTimes() throws(FFmpegError) -> (pts: Int64, dts: Int64?)? {
        if !readAhead {
            guard reading, try readOwnPacket() else { return nil }
            readAhead = true
        }
        let raw = packet.raw.pointee
        return (raw.pts, raw.dts == CFFmpeg_AV_NOPTS_VALUE() ? nil : raw.dts)
    }

    /// `seconds` in the stream's time base, rounded up.
    func ticks(_ seconds: Double) -> Int64 { Int64((seconds / secondsPerTick).rounded(.up)) }

    /// The decoder's view of the stream (sample format, rate, layout for audio).
    var context: UnsafeMutablePointer<AVCodecContext> { decoder.context }

    /// The next decoded frame and its presentation time in seconds, or nil after the last one.
    /// The frame is valid until the next call.
    func next() throws(FFmpegError) -> (frame: Frame, seconds: Double)? {
        while !drained {
            av_frame_unref(frame.raw)
            switch try decoder.receive(into: frame) {
            case .frame:
                let pts = frame.raw.pointee.best_effort_timestamp
                let seconds = pts == CFFmpeg_AV_NOPTS_VALUE() ? .nan : Double(pts) * secondsPerTick - origin
                return (frame, seconds)
            case .endOfStream:
                drained = true
            case .needsInput:
                try feed()
            }
        }
        return nil
    }

    /// Hands the decoder its next packet, or the end of the stream (so its last frames come out).
    private func feed() throws(FFmpegError) {
        guard reading else { drained = true; return }
        if readAhead {
            readAhead = false
        } else if try !readOwnPacket() {
            reading = false
            try decoder.send(nil)
            return
        }
        if let skipsUnreferenced {
            context.pointee.skip_frame = skipsUnreferenced(packet.raw.pointee.pts) ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
        }
        try decoder.send(packet.raw)
        if let lastPacket, packet.raw.pointee.pts == lastPacket {
            reading = false
            try decoder.send(nil)
        }
    }

    /// Reads the stream's next packet into `packet`; false at the end of the file.
    private func readOwnPacket() throws(FFmpegError) -> Bool {
        while try file.readPacket(into: packet) {
            if packet.raw.pointee.stream_index == stream.pointee.index { return true }
        }
        return false
    }
}
