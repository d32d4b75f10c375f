internal import CFFmpeg

extension MediaEncoder {
    /// H.264 (libx264) for yuv420p pictures at a constant frame rate, square pixels. The time base
    /// is one frame, so a picture's pts is its frame number. `x264Parameters` go to x264 as they are
    /// (`sps-id=1`: see `AVCConfiguration`).
    static func h264(width: Int, height: Int, frameRate: Rational, crf: Int = 20, preset: String = "veryfast",
                     x264Parameters: String? = nil, globalHeader: Bool) throws(FFmpegError) -> MediaEncoder {
        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS))
        }
        var options = ["preset": preset, "crf": String(crf)]
        if let x264Parameters { options["x264-params"] = x264Parameters }
        return try MediaEncoder(codec: codec, options: options) { context in
            context.pointee.width = Int32(width)
            context.pointee.height = Int32(height)
            context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            context.pointee.time_base = AVRational(num: Int32(frameRate.denominator), den: Int32(frameRate.numerator))
            context.pointee.framerate = AVRational(num: Int32(frameRate.numerator), den: Int32(frameRate.denominator))
            context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            context.pointee.thread_count = MediaThreads.codecThreads
            context.pointee.gop_size = Int32((2 * (frameRate.value ?? 24)).rounded())
            // MP4 keeps SPS/PPS in the header (avcC), not repeated in the stream.
            if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
    }

    /// The codec header the encoder made (for H.264 with a global header: SPS and PPS, Annex B).
    var extradata: [UInt8] {
        guard let data = context.pointee.extradata, context.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(context.pointee.extradata_size)))
    }
}
