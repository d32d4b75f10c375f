internal import CFFmpeg

/// An open input file: owns FFmpeg's demuxer context (`AVFormatContext`) and closes it in `deinit`.
///
/// Confined to the task that opened it; it never leaves MediaKit.
final class MediaFile {
    let context: UnsafeMutablePointer<AVFormatContext>

    /// Opens `path` and reads its header (`avformat_open_input`).
    init(path: String) throws(FFmpegError) {
        FFmpegLibrary.prepare()
        var opened: UnsafeMutablePointer<AVFormatContext>?
        try FFmpegError.check(avformat_open_input(&opened, path, nil, nil))
        guard let opened else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        context = opened
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&owned)
    }

    /// Reads enough of the streams to fill in what the header leaves out (pixel format, profile,
    /// frame rates). For MP4/MOV this decodes only the first few packets.
    func findStreamInfo() throws(FFmpegError) {
        // One decoder thread per stream: the few packets decoded here do not repay starting a
        // thread pool, which costs more than the decoding on a 2-core machine.
        let count = Int(context.pointee.nb_streams)
        var options = [OpaquePointer?](repeating: nil, count: max(count, 1))
        for index in 0..<count { av_dict_set(&options[index], "threads", "1", 0) }
        defer { for index in 0..<count { av_dict_free(&options[index]) } }
        let result = options.withUnsafeMutableBufferPointer { avformat_find_stream_info(context, $0.baseAddress) }
        try FFmpegError.check(result)
    }

    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(context.pointee.nb_streams)).compactMap { context.pointee.streams[$0] }
    }

    /// The demuxer's short name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    var formatName: String {
        context.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
    }

    /// Image demuxers give a picture, not frames on a clock: frame timing means nothing for them.
    var isImageSequenceOrStill: Bool { FormatInfo.isImageDemuxer(formatName) }

    var formatLongName: String? {
        context.pointee.iformat.flatMap { $0.pointee.long_name }.map { String(cString: $0) }
    }

    /// Container duration in seconds, when the container knows it.
    var duration: Double? {
        let value = context.pointee.duration
        guard value != CFFmpeg_AV_NOPTS_VALUE(), value >= 0 else { return nil }
        return Double(value) / Double(AV_TIME_BASE)
    }

    var startTime: Double? {
        let value = context.pointee.start_time
        guard value != CFFmpeg_AV_NOPTS_VALUE() else { return nil }
        return Double(value) / Double(AV_TIME_BASE)
    }

    var bitRate: Int64? {
        context.pointee.bit_rate > 0 ? context.pointee.bit_rate : nil
    }

    /// The display matrix's rotation of a stream, in degrees clockwise (0 ..< 360), or nil
    /// when the stream has no display matrix. It is stream side data (where depends on the
    /// version: the shim knows), and `av_display_rotation_get` answers counter-clockwise.
    func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int? {
        displayMatrix(of: stream).flatMap(\.counterClockwise).map(Self.clockwise)
    }

    /// Degrees clockwise, 0 ..< 360, for FFmpeg's counter-clockwise angle.
    static func clockwise(_ counterClockwise: Double) -> Int {
        let clockwise = Int((-counterClockwise).rounded()) % 360
        return clockwise < 0 ? clockwise + 360 : clockwise
    }

    /// The stream's display matrix (nine 16.16 and 2.30 fixed-point values, row by row) and the
    /// counter-clockwise angle FFmpeg reads from it (nil when it is degenerate); nil without one.
    func displayMatrix(of stream: UnsafeMutablePointer<AVStream>) -> (values: [Int32], counterClockwise: Double?)? {
        var size = 0
        return Self.displayMatrix(CFFmpeg_stream_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size), size: size)
    }

    /// A display matrix read from side data of `size` bytes at `data`.
    static func displayMatrix(_ data: UnsafePointer<UInt8>?, size: Int) -> (values: [Int32], counterClockwise: Double?)? {
        guard let data, size >= 9 * MemoryLayout<Int32>.size else { return nil }
        return data.withMemoryRebound(to: Int32.self, capacity: 9) { matrix in
            let angle = av_display_rotation_get(matrix)
            return (Array(UnsafeBufferPointer(start: matrix, count: 9)), angle.isFinite ? angle : nil)
        }
    }

    /// The container's metadata (ffprobe's `format.tags`).
    var tags: [String: String] {
        Self.entries(of: context.pointee.metadata)
    }

    /// A stream's metadata (ffprobe's `tags`).
    func tags(of stream: UnsafeMutablePointer<AVStream>) -> [String: String] {
        Self.entries(of: stream.pointee.metadata)
    }

    private static func entries(of dictionary: OpaquePointer?) -> [String: String] {
        var entries: [String: String] = [:]
        var entry: UnsafeMutablePointer<AVDictionaryEntry>?
        while let next = av_dict_get(dictionary, "", entry, AV_DICT_IGNORE_SUFFIX) {
            entries[String(cString: next.pointee.key)] = String(cString: next.pointee.value)
            entry = next
        }
        return entries
    }

    /// The sample aspect ratio a player would use: the container's, else the codec's
    /// (`av_guess_sample_aspect_ratio`, as ffprobe prints it); nil when neither says.
    func sampleAspectRatio(of stream: UnsafeMutablePointer<AVStream>) -> AspectRatio? {
        let guess = av_guess_sample_aspect_ratio(context, stream, nil)
        guard guess.num > 0, guess.den > 0 else { return nil }
        return AspectRatio(Int(guess.num), Int(guess.den))
    }

    /// Reads the next packet of any stream into `packet`; false at the end of the file.
    func readPacket(into packet: Packet) throws(FFmpegError) -> Bool {
        av_packet_unref(packet.raw)
        let result = av_read_frame(context, packet.raw)
        if result == CFFmpeg_AVERROR_EOF() { return false }
        try FFmpegError.check(result)
        return true
    }

    /// Moves reading to the keyframe at or before `seconds` in `stream`.
    func seek(_ stream: UnsafeMutablePointer<AVStream>, toSeconds seconds: Double) throws(FFmpegError) {
        let timeBase = stream.pointee.time_base
        try seek(stream, toTimestamp: Int64((seconds * Double(timeBase.den) / Double(timeBase.num)).rounded(.down)))
    }

    /// Moves reading to the keyframe at or before `timestamp`, in the stream's time base.
    func seek(_ stream: UnsafeMutablePointer<AVStream>, toTimestamp timestamp: Int64) throws(FFmpegError) {
        try FFmpegError.check(av_seek_frame(context, stream.pointee.index, timestamp, AVSEEK_FLAG_BACKWARD))
    }

    /// Timestamps and byte ranges of every packet the container's index lists for a stream,
    /// read from the header alone (MP4/MOV index every sample; most other formats only some).
    func indexEntries(of stream: UnsafeMutablePointer<AVStream>) -> [IndexEntry] {
        let count = avformat_index_get_entries_count(stream)
        return (0..<count).compactMap { position in
            avformat_index_get_entry(stream, position).map {
                IndexEntry(timestamp: $0.pointee.timestamp, position: $0.pointee.pos,
                           size: Int64($0.pointee.size))
            }
        }
    }
}

/// One packet as a container's index lists it.
struct IndexEntry {
    /// In the stream's time base (decoding order for MP4/MOV).
    let timestamp: Int64
    /// Byte offset in the file.
    let position: Int64
    let size: Int64
}
