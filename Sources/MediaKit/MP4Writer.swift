import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
internal import CFFmpeg

/// Writes an MP4 file: owns the output `AVFormatContext`. Writes to a temporary file beside the
/// target and renames it into place on `finish()`, so a failure never leaves half a file there.
final class MP4Writer {
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let temporaryPath: String
    private let destination: String
    private var finished = false

    init(path: String) throws(FFmpegError) {
        FFmpegLibrary.prepare()
        destination = path
        temporaryPath = TemporaryFile.sibling(of: path)
        var output: UnsafeMutablePointer<AVFormatContext>?
        try FFmpegError.check(avformat_alloc_output_context2(&output, nil, "mp4", temporaryPath))
        guard let output else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        context = output
    }

    deinit {
        if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !finished { unlink(temporaryPath) }
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

    /// Opens the file and writes the header. `faststart` moves the index to the front so a
    /// player (or the model's fetcher) can start before the whole file has arrived.
    func begin(faststart: Bool = true) throws(FFmpegError) {
        try FFmpegError.check(avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE))
        var options: OpaquePointer?
        if faststart { av_dict_set(&options, "movflags", "+faststart", 0) }
        defer { av_dict_free(&options) }
        try FFmpegError.check(avformat_write_header(context, &options))
    }

    /// Writes one packet, its timestamps given in `timeBase` (the encoder's).
    func write(_ packet: UnsafeMutablePointer<AVPacket>, stream index: Int, timeBase: AVRational) throws(FFmpegError) {
        guard let stream = context.pointee.streams[index] else { return }
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        packet.pointee.stream_index = Int32(index)
        try FFmpegError.check(av_interleaved_write_frame(context, packet))
    }

    /// Writes the trailer, closes the file and renames it into place.
    func finish() throws(FFmpegError) {
        try FFmpegError.check(av_write_trailer(context))
        avio_closep(&context.pointee.pb)
        guard rename(temporaryPath, destination) == 0 else { throw FFmpegError(code: CFFmpeg_AVERROR(errno)) }
        finished = true
    }
}

/// Names for files being written: beside the target (same file system, so rename is atomic),
/// hidden, and unique to this process and moment.
enum TemporaryFile {
    static func sibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
