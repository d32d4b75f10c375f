import SystemPackage
import Support
internal import CFFmpeg

/// A picture as packed 8-bit RGB rows: what swscale makes from a decoded frame, and what the PNG
/// encoder takes. Small enough (one frame) to turn in plain Swift.
struct RGBPicture {
    let width: Int
    let height: Int
    var pixels: [UInt8]   // width × height × 3, row after row

    init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `frame` converted to RGB by the matrix it is tagged with, and scaled to `width`×`height`
    /// (swscale, bicubic); an HDR picture
    /// tone-mapped first, as it shows beside standard-range pictures (a PNG holds no HDR of its own).
    init(_ frame: Frame, width: Int, height: Int) throws(FFmpegError) {
        let toneMapper = ToneMapper.isHighDynamicRange(frame.raw) ? try? ToneMapper(for: frame.raw, threads: 1) : nil
        let source = ((try? toneMapper?.map(frame)) ?? frame).raw
        defer { withExtendedLifetime(toneMapper) {} }
        guard let scaler = CFFmpeg_scaler(nil, source.pointee.width, source.pointee.height, AVPixelFormat(rawValue: source.pointee.format),
                                          Int32(width), Int32(height), AV_PIX_FMT_RGB24) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL))
        }
        defer { CFFmpeg_scaler_free(scaler) }
        // The picture's own matrix (an HD clip is most often tagged BT.709): swscale's default,
        // BT.601, shifted such a clip's colours by up to 17 levels (a green lighter, a red duller).
        _ = CFFmpeg_scaler_read_colorspace(scaler, source.pointee.colorspace)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let rows = pixels.withUnsafeMutableBufferPointer { buffer in
            var destination: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(width * 3), 0, 0, 0]
            return withUnsafePointer(to: source.pointee.data) { planes in
                planes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                    withUnsafePointer(to: source.pointee.linesize) { lines in
                        lines.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                            CFFmpeg_scale(scaler, sourcePlanes, sourceStrides, 0, source.pointee.height, &destination, &strides)
                        }
                    }
                }
            }
        }
        guard rows == Int32(height) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The picture turned clockwise by a multiple of 90 degrees (others round to the nearest).
    func rotated(clockwise degrees: Int) -> RGBPicture {
        let quarterTurns = ((Int((Double(degrees) / 90).rounded()) % 4) + 4) % 4
        guard quarterTurns != 0 else { return self }
        let (newWidth, newHeight) = quarterTurns % 2 == 0 ? (width, height) : (height, width)
        var turned = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height {
            for x in 0..<width {
                let (nx, ny) = QuarterTurn.place(x: x, y: y, width: width, height: height, turns: quarterTurns)
                let from = (y * width + x) * 3
                let to = (ny * newWidth + nx) * 3
                turned[to] = pixels[from]
                turned[to + 1] = pixels[from + 1]
                turned[to + 2] = pixels[from + 2]
            }
        }
        return RGBPicture(width: newWidth, height: newHeight, pixels: turned)
    }
}
