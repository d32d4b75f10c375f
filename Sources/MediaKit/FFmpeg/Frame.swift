internal import CFFmpeg

/// An owned `AVFrame` (picture or audio samples), freed in `deinit`.
final class Frame {
    let raw: UnsafeMutablePointer<AVFrame>

    init() throws(FFmpegError) {
        guard let frame = av_frame_alloc() else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        raw = frame
    }

    /// A picture of `width`×`height` in `format`, with its buffers allocated.
    convenience init(width: Int, height: Int, format: AVPixelFormat) throws(FFmpegError) {
        try self.init()
        raw.pointee.width = Int32(width)
        raw.pointee.height = Int32(height)
        raw.pointee.format = format.rawValue
        try FFmpegError.check(av_frame_get_buffer(raw, 0))
    }

    /// Another reference to `other`'s buffers, not a copy: stays valid when a decoder reuses `other`.
    init(referencing other: Frame) throws(FFmpegError) {
        guard let clone = av_frame_clone(other.raw) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        raw = clone
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = raw
        av_frame_free(&owned)
    }

    /// Makes the buffers writable (an encoder may still hold a reference to the last ones).
    func makeWritable() throws(FFmpegError) {
        try FFmpegError.check(av_frame_make_writable(raw))
    }

    /// A picture's plane (0 luma, 1 and 2 chroma): its first byte and the bytes from row to row.
    func plane(_ index: Int) -> (base: UnsafeMutablePointer<UInt8>, stride: Int) {
        switch index {
        case 0: return (raw.pointee.data.0!, Int(raw.pointee.linesize.0))
        case 1: return (raw.pointee.data.1!, Int(raw.pointee.linesize.1))
        default: return (raw.pointee.data.2!, Int(raw.pointee.linesize.2))
        }
    }
}

/// An owned `AVPacket`, freed in `deinit`.
final class Packet {
    let raw: UnsafeMutablePointer<AVPacket>

    init() throws(FFmpegError) {
        guard let packet = av_packet_alloc() else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        raw = packet
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = raw
        av_packet_free(&owned)
    }
}
