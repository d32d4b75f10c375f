internal import CFFmpeg

/// Turns decoded pictures of one clip into the output's: scaled to fit the target keeping the
/// displayed proportions (sample aspect ratio applied), turned upright by the display matrix,
/// and centred on black bars (letterbox or pillarbox) rather than stretched. yuv420p, square pixels.
///
/// Owns its swscale context; one fitter per clip, since each clip's source format may differ.
final class PictureFitter {
    let target: PixelSize
    /// The picture's area inside the bars, as displayed (after turning).
    let inner: PixelSize
    private let quarterTurns: Int
    /// swscale's context, untyped: its Swift type differs across FFmpeg versions (see the shim).
    private var scaler: UnsafeMutableRawPointer?
    private var scaled: Frame?
    /// The stream's transfer function as its container gives it, for pictures that do not say.
    var streamTransfer = AVCOL_TRC_UNSPECIFIED
    /// Made at the first HDR picture; nil after it could not be (this FFmpeg has no `zscale`).
    private var toneMapper: ToneMapper?
    private var toneMappingFailed = false

    init(target: PixelSize, displayed: PixelSize, rotation: Int?) {
        self.target = target
        let scale = min(Double(target.width) / Double(displayed.width), Double(target.height) / Double(displayed.height))
        inner = PixelSize(width: min(target.width, Self.even(Double(displayed.width) * scale)),
                          height: min(target.height, Self.even(Double(displayed.height) * scale)))
        quarterTurns = ((Int((Double(rotation ?? 0) / 90).rounded()) % 4) + 4) % 4
    }

    deinit { CFFmpeg_scaler_free(scaler) }

    /// Whether pictures pass through as they are (same size, upright, nothing to pad).
    static func isIdentity(stored: PixelSize, displayed: PixelSize, rotation: Int?, target: PixelSize) -> Bool {
        stored == target && displayed == target && (rotation ?? 0) % 360 == 0
    }

    /// Writes `source` fitted into `output` (a yuv420p frame of the target size, made writable);
    /// an HDR picture tone-mapped to standard range first (`ToneMapper`).
    func fit(_ source: Frame, into output: Frame) throws(FFmpegError) {
        let source = try standardRange(source)
        // Before turning, the scaled picture has the inner size's sides swapped for a quarter turn.
        let upright = quarterTurns % 2 == 0 ? inner : PixelSize(width: inner.height, height: inner.width)
        let scaledFrame = try scaledBuffer(upright)
        try scale(source, into: scaledFrame, size: upright)
        paintBars(output)
        let left = (target.width - inner.width) / 2 & ~1
        let top = (target.height - inner.height) / 2 & ~1
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            copyTurned(plane: plane, from: scaledFrame, width: upright.width >> shift, height: upright.height >> shift,
                       into: output, left: left >> shift, top: top >> shift)
        }
    }

    /// Whether `frame` is HDR and must be tone-mapped before it can pass as an output picture.
    func needsToneMapping(_ frame: Frame) -> Bool {
        !toneMappingFailed && ToneMapper.isHighDynamicRange(frame.raw, stream: streamTransfer)
    }

    private func standardRange(_ source: Frame) throws(FFmpegError) -> Frame {
        guard needsToneMapping(source) else { return source }
        if toneMapper == nil {
            do { toneMapper = try ToneMapper(for: source.raw, stream: streamTransfer) } catch { toneMappingFailed = true }
        }
        return try toneMapper?.map(source) ?? source
    }

    private func scaledBuffer(_ size: PixelSize) throws(FFmpegError) -> Frame {
        if let scaled { return scaled }
        let frame = try Frame(width: size.width, height: size.height, format: AV_PIX_FMT_YUV420P)
        scaled = frame
        return frame
    }

    private func scale(_ source: Frame, into destination: Frame, size: PixelSize) throws(FFmpegError) {
        let raw = source.raw
        // Cached: swscale rebuilds its context only when the source's format or size changes.
        scaler = CFFmpeg_scaler(scaler, raw.pointee.width, raw.pointee.height, AVPixelFormat(rawValue: raw.pointee.format),
                                Int32(size.width), Int32(size.height), AV_PIX_FMT_YUV420P)
        guard let scaler else { throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL)) }
        let rows = withUnsafePointer(to: raw.pointee.data) { sourcePlanes in
            sourcePlanes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { planes in
                withUnsafePointer(to: raw.pointee.linesize) { sourceStrides in
                    sourceStrides.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
                        withUnsafePointer(to: destination.raw.pointee.data) { outputPlanes in
                            outputPlanes.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { outPlanes in
                                withUnsafePointer(to: destination.raw.pointee.linesize) { outputStrides in
                                    outputStrides.withMemoryRebound(to: Int32.self, capacity: 8) { outStrides in
                                        CFFmpeg_scale(scaler, planes, strides, 0, raw.pointee.height, outPlanes, outStrides)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard rows == Int32(size.height) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
    }

    /// Black in limited-range YUV: luma 16, chroma 128. Only the bars, when there are any.
    private func paintBars(_ frame: Frame) {
        guard inner != target else { return }
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let value: Int32 = plane == 0 ? 16 : 128
            let (base, stride) = frame.plane(plane)
            for row in 0..<(target.height >> shift) {
                memset(base + row * stride, value, target.width >> shift)
            }
        }
    }

    /// Copies one plane, turned clockwise by `quarterTurns`, to (`left`, `top`) in the output.
    private func copyTurned(plane: Int, from source: Frame, width: Int, height: Int, into output: Frame, left: Int, top: Int) {
        let (from, fromStride) = source.plane(plane)
        let (to, toStride) = output.plane(plane)
        let origin = to + top * toStride + left
        if quarterTurns == 0 {
            for row in 0..<height { memcpy(origin + row * toStride, from + row * fromStride, width) }
            return
        }
        for y in 0..<height {
            let sourceRow = from + y * fromStride
            for x in 0..<width {
                let (nx, ny) = QuarterTurn.place(x: x, y: y, width: width, height: height, turns: quarterTurns)
                origin[ny * toStride + nx] = sourceRow[x]
            }
        }
    }

    /// The nearest even number of pixels (4:2:0 chroma needs even sides), at least 2.
    static func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }
}
