internal import CFFmpeg

extension MediaEncoder {
    /// AAC (FFmpeg's native encoder) for planar float samples. AAC takes fixed frames of
    /// `frameSize` (1024) samples per channel.
    static func aac(sampleRate: Int = 48_000, channels: Int32 = 2, bitRate: Int = 128_000,
                    globalHeader: Bool) throws(FFmpegError) -> MediaEncoder {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS)) }
        return try MediaEncoder(codec: codec) { context in
            context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            context.pointee.sample_rate = Int32(sampleRate)
            av_channel_layout_default(&context.pointee.ch_layout, channels)
            context.pointee.bit_rate = Int64(bitRate)
            context.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
            if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
    }

    var frameSize: Int { Int(context.pointee.frame_size) }

    /// A frame of `frameSize` samples in the audio encoder's format, ready to fill.
    func makeAudioFrame() throws(FFmpegError) -> Frame {
        let frame = try Frame()
        frame.raw.pointee.nb_samples = Int32(frameSize)
        frame.raw.pointee.format = context.pointee.sample_fmt.rawValue
        frame.raw.pointee.sample_rate = context.pointee.sample_rate
        try FFmpegError.check(av_channel_layout_copy(&frame.raw.pointee.ch_layout, &context.pointee.ch_layout))
        try FFmpegError.check(av_frame_get_buffer(frame.raw, 0))
        return frame
    }
}
