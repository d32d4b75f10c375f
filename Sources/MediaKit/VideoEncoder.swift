internal import CFFmpeg

/// An H.264 encoder (libx264) for yuv420p pictures at a constant frame rate: owns its
/// `AVCodecContext`.
final class VideoEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: Packet

    init(width: Int, height: Int, framesPerSecond: Int, crf: Int = 20, preset: String = "veryfast",
         globalHeader: Bool) throws(FFmpegError) {
        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS))
        }
        guard let context = avcodec_alloc_context3(codec) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.context = context
        packet = try Packet()
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.time_base = AVRational(num: 1, den: Int32(framesPerSecond))
        context.pointee.framerate = AVRational(num: Int32(framesPerSecond), den: 1)
        context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        context.pointee.gop_size = Int32(framesPerSecond * 2)
        // MP4 keeps SPS/PPS in the header (avcC), not repeated in the stream.
        if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        av_opt_set(context.pointee.priv_data, "preset", preset, 0)
        av_opt_set(context.pointee.priv_data, "crf", String(crf), 0)
        try FFmpegError.check(avcodec_open2(context, codec, nil))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// Hands a picture to the encoder; nil flushes it (after the last picture).
    func send(_ frame: Frame?) throws(FFmpegError) {
        try FFmpegError.check(avcodec_send_frame(context, frame?.raw))
    }

    /// The next encoded packet, valid until the next call.
    func receive() throws(FFmpegError) -> EncoderOutput {
        av_packet_unref(packet.raw)
        let result = avcodec_receive_packet(context, packet.raw)
        if result == CFFmpeg_AVERROR(EAGAIN) { return .needsInput }
        if result == CFFmpeg_AVERROR_EOF() { return .endOfStream }
        try FFmpegError.check(result)
        return .packet(packet.raw)
    }
}
