internal import CFFmpeg

/// An AAC encoder (FFmpeg's native one) for 48 kHz stereo planar float samples: owns its
/// `AVCodecContext`. AAC takes fixed frames of `frameSize` (1024) samples per channel.
final class AudioEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: Packet

    init(sampleRate: Int = 48_000, channels: Int32 = 2, bitRate: Int = 128_000, globalHeader: Bool) throws(FFmpegError) {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS)) }
        guard let context = avcodec_alloc_context3(codec) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.context = context
        packet = try Packet()
        context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        context.pointee.sample_rate = Int32(sampleRate)
        av_channel_layout_default(&context.pointee.ch_layout, channels)
        context.pointee.bit_rate = Int64(bitRate)
        context.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try FFmpegError.check(avcodec_open2(context, codec, nil))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    var frameSize: Int { Int(context.pointee.frame_size) }

    /// A frame of `frameSize` samples in the encoder's format, ready to fill.
    func makeFrame() throws(FFmpegError) -> Frame {
        let frame = try Frame()
        frame.raw.pointee.nb_samples = Int32(frameSize)
        frame.raw.pointee.format = context.pointee.sample_fmt.rawValue
        frame.raw.pointee.sample_rate = context.pointee.sample_rate
        try FFmpegError.check(av_channel_layout_copy(&frame.raw.pointee.ch_layout, &context.pointee.ch_layout))
        try FFmpegError.check(av_frame_get_buffer(frame.raw, 0))
        return frame
    }

    /// Hands samples to the encoder; nil flushes it (after the last frame).
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

/// What an encoder's `receive` found: EAGAIN and EOF are states of the encoder, not failures.
enum EncoderOutput {
    case packet(UnsafeMutablePointer<AVPacket>)
    case needsInput
    case endOfStream
}
