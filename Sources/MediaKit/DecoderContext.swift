internal import CFFmpeg

/// An opened decoder for one stream: owns an `AVCodecContext` and frees it in `deinit`.
final class DecoderContext {
    let context: UnsafeMutablePointer<AVCodecContext>

    /// Opens the decoder FFmpeg has for the stream's codec, configured from its parameters.
    /// `threads` 1 keeps opening cheap where only the decoder's view of the stream is wanted.
    init(for stream: UnsafeMutablePointer<AVStream>, threads: Int32 = 0) throws(FFmpegError) {
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
}
