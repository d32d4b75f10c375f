import Support
internal import CFFmpeg

/// Writes an MP4 or QuickTime file (its extension decides; MP4 for any other name): owns the
/// output `AVFormatContext`. Writes to a temporary file beside the target and renames it into place
/// on `finish()`, so a failure never leaves half a file there; unless `replacing`, a file that
/// appeared at the target meanwhile is kept and `finish()` fails with EEXIST.
final class MovieWriter {
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let temporaryPath: String
    private let destination: String
    private let replacing: Bool
    private var finished = false
    /// The last decoding time written per stream, in the stream's time base: see `write`.
    private var lastDecodingTime: [Int: Int64] = [:]

    init(path: String, replacing: Bool = true) throws(FFmpegError) {
        FFmpegLibrary.prepare()
        destination = path
        self.replacing = replacing
        temporaryPath = AtomicFile.temporaryPath(besides: path)
        let container = VideoContainer(forOutput: path) ?? .mp4
        var output: UnsafeMutablePointer<AVFormatContext>?
        try FFmpegError.check(avformat_alloc_output_context2(&output, nil, container.muxer, temporaryPath))
        guard let output else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        context = output
    }

    deinit {
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !finished { SystemCalls.remove(temporaryPath) }
    }

    /// Whether streams added must carry their codec headers globally (MP4 does).
    var needsGlobalHeader: Bool {
        (context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0
    }

    /// Adds a stream described by an opened encoder; returns its index.
    func addStream(from encoder: UnsafeMutablePointer<AVCodecContext>) throws(FFmpegError) -> Int {
        guard let stream = avformat_new_stream(context, nil) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        try FFmpegError.check(avcodec_parameters_from_context(stream.pointee.codecpar, encoder))
        stream.pointee.time_base = encoder.pointee.time_base
        stream.pointee.avg_frame_rate = encoder.pointee.framerate
        return Int(stream.pointee.index)
    }

    /// Adds a stream that will carry packets copied from `source` untouched (stream copy).
    /// `extradata` replaces the source's codec header (a merged `avcC`); the display matrix goes too.
    func addStream(copying source: UnsafeMutablePointer<AVStream>, extradata: [UInt8]? = nil,
                   displayMatrix: Bool = true) throws(FFmpegError) -> Int {
        guard let stream = avformat_new_stream(context, nil) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        try FFmpegError.check(avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar))
        // The source container's tag may mean nothing in MP4; the muxer picks the right one.
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = source.pointee.time_base
        stream.pointee.avg_frame_rate = source.pointee.avg_frame_rate
        if let extradata { try Self.setExtradata(extradata, of: stream.pointee.codecpar) }
        // Since FFmpeg 6.1 the parameters carry their side data, so the copy above may have brought
        // the display matrix along: set it (or leave it out) on purpose, whatever the version.
        CFFmpeg_stream_remove_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX)
        var size = 0
        if displayMatrix, let matrix = CFFmpeg_stream_side_data(source, AV_PKT_DATA_DISPLAYMATRIX, &size), size > 0,
           let copy = CFFmpeg_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, size) {
            copy.update(from: matrix, count: size)
        }
        return Int(stream.pointee.index)
    }

    /// Replaces a stream's codec header, before `begin`.
    func setExtradata(_ bytes: [UInt8], stream index: Int) throws(FFmpegError) {
        guard let stream = context.pointee.streams[index] else { return }
        try Self.setExtradata(bytes, of: stream.pointee.codecpar)
    }

    private static func setExtradata(_ bytes: [UInt8], of parameters: UnsafeMutablePointer<AVCodecParameters>) throws(FFmpegError) {
        av_freep(&parameters.pointee.extradata)
        guard let buffer = av_mallocz(bytes.count + Int(AV_INPUT_BUFFER_PADDING_SIZE))?.assumingMemoryBound(to: UInt8.self) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM))
        }
        buffer.update(from: bytes, count: bytes.count)
        parameters.pointee.extradata = buffer
        parameters.pointee.extradata_size = Int32(bytes.count)
    }

    /// Opens the file and writes the header. `faststart` moves the index to the front so a
    /// player (or the model's fetcher) can start before the whole file has arrived.
    func begin(faststart: Bool = true) throws(FFmpegError) {
        try FFmpegError.check(avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE))
        var options: OpaquePointer?
        if faststart { av_dict_set(&options, "movflags", "+faststart", 0) }
        defer { av_dict_free(&options) }
        try FFmpegError.check(avformat_write_header(context, &options))
    }

    /// Writes one packet, its timestamps given in `timeBase` (the encoder's or the source's).
    ///
    /// Decoding times must rise strictly within a stream, and at a joint between clips they may
    /// not: a clip with B-frames starts decoding before its first picture is shown, which can fall
    /// before the previous clip's last decoding time. A video packet is then moved one tick later
    /// (its presentation time, which is what the viewer sees, stays); an audio packet there is the
    /// AAC encoder's priming frame, which a player discards anyway, so it is left out.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, stream index: Int, timeBase: AVRational) throws(FFmpegError) {
        guard let stream = context.pointee.streams[index] else { return }
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        packet.pointee.stream_index = Int32(index)
        if packet.pointee.dts == CFFmpeg_AV_NOPTS_VALUE() { packet.pointee.dts = packet.pointee.pts }
        if let last = lastDecodingTime[index], packet.pointee.dts <= last {
            let isVideo = stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
            guard isVideo, packet.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() || packet.pointee.pts > last else {
                av_packet_unref(packet)
                return
            }
            packet.pointee.dts = last + 1
        }
        lastDecodingTime[index] = packet.pointee.dts
        try FFmpegError.check(av_interleaved_write_frame(context, packet))
    }

    /// A stream's time base as the muxer settled it (after `begin`).
    func timeBase(of index: Int) -> AVRational {
        context.pointee.streams[index]?.pointee.time_base ?? AVRational(num: 1, den: 1)
    }

    /// Writes the trailer, closes the file and publishes it (flushed, renamed into place).
    func finish() throws(FFmpegError) {
        try FFmpegError.check(av_write_trailer(context))
        avio_closep(&context.pointee.pb)
        do {
            try AtomicFile.commit(temporaryPath, to: destination, permissions: [.ownerReadWrite, .groupRead, .otherRead],
                                  replacing: replacing)
        } catch {
            switch error {
            case .failed(_, let errno): throw FFmpegError(code: CFFmpeg_AVERROR(errno.rawValue))
            case .exists: throw FFmpegError(code: CFFmpeg_AVERROR(EEXIST))
            }
        }
        finished = true
    }
}
