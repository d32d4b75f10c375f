internal import CFFmpeg

/// One segment's pictures on the output clock: `picture(at: k)` is what the segment's k-th output
/// frame shows, fitted to the output's size. Frames are placed by their timestamps (`fps`
/// semantics: output frame k shows the last decoded frame due at or before it, the first frame
/// also filling any lead-in), so a variable or different frame rate comes out constant.
/// Frame numbers must rise from one call to the next.
final class PictureSource {
    private let decoder: StreamDecoder
    private let fitter: PictureFitter
    private let displayed: PixelSize
    private let rotation: Int?
    private let segmentStart: Double
    private let framesPerSecond: Double
    private let output: Frame
    /// The decoded frame on show, and the next one (decoded, not yet due).
    private var held: (frame: Frame, index: Int64)?
    private var pending: (frame: Frame, index: Int64)?
    private var ended = false
    /// Whether `output` already holds `held`, fitted.
    private var fitted = false

    /// Starts decoding near output frame `first` of the segment (from the keyframe before it).
    init(segment: Segment, from first: Int64, size: PixelSize, frameRate: Rational) throws(FFmpegError) {
        framesPerSecond = frameRate.value ?? 24
        segmentStart = segment.start
        decoder = try StreamDecoder(path: segment.path, streamIndex: segment.video.index,
                                    from: segment.start + Double(first) / framesPerSecond)
        let stored = PixelSize(width: Int(decoder.context.pointee.width), height: Int(decoder.context.pointee.height))
        let display = DisplaySize(storedWidth: stored.width, storedHeight: stored.height,
                                  sampleAspect: segment.video.sampleAspectRatio, rotation: segment.video.rotation)
        displayed = PixelSize(width: display.width, height: display.height)
        rotation = segment.video.rotation
        fitter = PictureFitter(target: size, displayed: displayed, rotation: segment.video.rotation)
        fitter.streamTransfer = ToneMapper.transfer(named: segment.video.colorTransfer)
        output = try Frame(width: size.width, height: size.height, format: AV_PIX_FMT_YUV420P)
    }

    /// The picture for the segment's output frame `k`: the decoded frame itself when it already is
    /// the output's size and form, else the fitted copy. Valid until the next call.
    func picture(at k: Int64) throws(FFmpegError) -> Frame {
        while true {
            if pending == nil, !ended { pending = try decodeNext() }
            guard let next = pending, held == nil || next.index <= k else { break }
            held = next
            pending = nil
            fitted = false
        }
        guard let held else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        let raw = held.frame.raw.pointee
        if raw.format == AV_PIX_FMT_YUV420P.rawValue, !fitter.needsToneMapping(held.frame),
           PictureFitter.isIdentity(stored: PixelSize(width: Int(raw.width), height: Int(raw.height)),
                                    displayed: displayed, rotation: rotation, target: fitter.target) {
            return held.frame
        }
        if !fitted {
            try output.makeWritable()
            try fitter.fit(held.frame, into: output)
            fitted = true
        }
        return output
    }

    private func decodeNext() throws(FFmpegError) -> (Frame, Int64)? {
        guard let (frame, time) = try decoder.next() else {
            ended = true
            return nil
        }
        let copy = try Frame()
        try FFmpegError.check(av_frame_ref(copy.raw, frame.raw))
        let index = time.isFinite ? Int64(((time - segmentStart) * framesPerSecond).rounded()) : (held?.index ?? -1) + 1
        return (copy, index)
    }
}
