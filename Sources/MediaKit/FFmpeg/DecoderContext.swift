internal import CFFmpeg

/// An opened decoder for one stream: owns an `AVCodecContext` and frees it in `deinit`.
final class DecoderContext {
    let context: UnsafeMutablePointer<AVCodecContext>

    /// Opens the decoder FFmpeg has for the stream's codec, configured from its parameters.
    /// `threads` 1 keeps opening cheap where only the decoder's view of the stream is wanted; by
    /// default, the media work's share of the cores (`MediaThreads.codecThreads`).
    init(for stream: UnsafeMutablePointer<AVStream>, threads: Int32 = MediaThreads.codecThreads) throws(FFmpegError) {
        guard let parameters = stream.pointee.codecpar,
              let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS))
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM))
        }
        self.context = context
        try FFmpegError.check(avcodec_parameters_to_context(context, parameters))
        context.pointee.thread_count = threads
        try FFmpegError.check(avcodec_open2(context, codec, nil))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// What `receive` found: EAGAIN and EOF are states of the decoder, not failures.
    enum Output {
        case frame
        case needsInput
        case endOfStream
    }

    /// Hands a packet to the decoder; nil drains it at the end, so its last frames come out too.
    func send(_ packet: UnsafeMutablePointer<AVPacket>?) throws(FFmpegError) {
        let result = avcodec_send_packet(context, packet)
        // A decoder that already holds a frame may refuse input until it is read: not an error.
        if result == CFFmpeg_AVERROR(EAGAIN) { return }
        try FFmpegError.check(result)
    }

    /// Decodes the next frame into `frame`.
    func receive(into frame: Frame) throws(FFmpegError) -> Output {
        let result = avcodec_receive_frame(context, frame.raw)
        if result == CFFmpeg_AVERROR(EAGAIN) { return .needsInput }
        if result == CFFmpeg_AVERROR_EOF() { return .endOfStream }
        try FFmpegError.check(result)
        return .frame
    }
}
