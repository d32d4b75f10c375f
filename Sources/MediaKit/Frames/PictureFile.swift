import Support
internal import CFFmpeg

/// Writes an RGB picture as a PNG or a JPEG with FFmpeg's own encoders, to a temporary file
/// renamed into place.
enum PictureFile {
    static func write(_ picture: RGBPicture, to path: String, format: PictureFormat, replacing: Bool) throws(FrameGrabError) {
        let bytes: [UInt8]
        do {
            switch format {
            case .png: bytes = try encodePNG(picture)
            case .jpeg: bytes = try encodeJPEG(picture)
            }
        } catch {
            throw .unwritable(path, "\(error)")
        }
        do {
            try AtomicFile.write(bytes, to: path, permissions: [.ownerReadWrite, .groupRead, .otherRead], replacing: replacing)
        } catch {
            switch error {
            case .exists: throw .outputExists(path)
            case .failed(_, let reason): throw .unwritable(path, "\(reason)")
            }
        }
    }

    /// Lossless, RGB as it is.
    private static func encodePNG(_ picture: RGBPicture) throws(FFmpegError) -> [UInt8] {
        let frame = try Frame(width: picture.width, height: picture.height, format: AV_PIX_FMT_RGB24)
        let stride = Int(frame.raw.pointee.linesize.0)
        picture.pixels.withUnsafeBufferPointer { source in
            for row in 0..<picture.height {
                (frame.raw.pointee.data.0! + row * stride)
                    .update(from: source.baseAddress! + row * picture.width * 3, count: picture.width * 3)
            }
        }
        return try encode(frame, codec: AV_CODEC_ID_PNG) { context in
            context.pointee.pix_fmt = AV_PIX_FMT_RGB24
        }
    }

    /// Baseline JPEG at quality 2 (near the best), 4:4:4 full-range YCbCr as JFIF defines it.
    /// Converted here rather than by swscale, so the full range holds on every FFmpeg version
    /// (the `yuvj` formats are on their way out; plain YUV with the JPEG range is what stays).
    private static func encodeJPEG(_ picture: RGBPicture) throws(FFmpegError) -> [UInt8] {
        let frame = try Frame(width: picture.width, height: picture.height, format: AV_PIX_FMT_YUV444P)
        frame.raw.pointee.color_range = AVCOL_RANGE_JPEG
        let quality = Int32(2 * FF_QP2LAMBDA)
        frame.raw.pointee.quality = quality
        let (luma, blue, red) = (frame.plane(0), frame.plane(1), frame.plane(2))
        picture.pixels.withUnsafeBufferPointer { source in
            for row in 0..<picture.height {
                for column in 0..<picture.width {
                    let at = (row * picture.width + column) * 3
                    let (r, g, b) = (Double(source[at]), Double(source[at + 1]), Double(source[at + 2]))
                    luma.base[row * luma.stride + column] = clamped(0.299 * r + 0.587 * g + 0.114 * b)
                    blue.base[row * blue.stride + column] = clamped(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)
                    red.base[row * red.stride + column] = clamped(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
                }
            }
        }
        return try encode(frame, codec: AV_CODEC_ID_MJPEG) { context in
            context.pointee.pix_fmt = AV_PIX_FMT_YUV444P
            context.pointee.color_range = AVCOL_RANGE_JPEG
            context.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            context.pointee.global_quality = quality
        }
    }

    private static func clamped(_ value: Double) -> UInt8 {
        UInt8(min(255, max(0, value.rounded())))
    }

    private static func encode(_ frame: Frame, codec id: AVCodecID,
                               configure: (UnsafeMutablePointer<AVCodecContext>) -> Void) throws(FFmpegError) -> [UInt8] {
        guard let codec = avcodec_find_encoder(id) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS)) }
        let encoder = try MediaEncoder(codec: codec) { context in
            context.pointee.width = frame.raw.pointee.width
            context.pointee.height = frame.raw.pointee.height
            context.pointee.time_base = AVRational(num: 1, den: 1)
            configure(context)
        }
        frame.raw.pointee.pts = 0
        try encoder.send(frame)
        try encoder.send(nil)
        var bytes: [UInt8] = []
        while case .packet(let packet) = try encoder.receive() {
            bytes += UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size))
        }
        return bytes
    }
}
