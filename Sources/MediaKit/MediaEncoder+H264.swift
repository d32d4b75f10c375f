internal import CFFmpeg

extension MediaEncoder {
    /// H.264 (libx264) for yuv420p pictures at a constant frame rate, square pixels.
    static func h264(width: Int, height: Int, framesPerSecond: Int, crf: Int = 20, preset: String = "veryfast",
                     globalHeader: Bool) throws(FFmpegError) -> MediaEncoder {
        guard let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_H264) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS))
        }
        return try MediaEncoder(codec: codec, options: ["preset": preset, "crf": String(crf)]) { context in
            context.pointee.width = Int32(width)
            context.pointee.height = Int32(height)
            context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            context.pointee.time_base = AVRational(num: 1, den: Int32(framesPerSecond))
            context.pointee.framerate = AVRational(num: Int32(framesPerSecond), den: 1)
            context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            context.pointee.gop_size = Int32(framesPerSecond * 2)
            // MP4 keeps SPS/PPS in the header (avcC), not repeated in the stream.
            if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        }
    }
}
