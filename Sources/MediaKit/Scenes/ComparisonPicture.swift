internal import CFFmpeg

/// A frame made small and turned into hue, saturation and value (OpenCV's 8-bit HSV: hue 0 ..< 180,
/// the others 0 ... 255), for telling whether two frames show the same shot. Small: a cut changes the
/// whole picture, so a few tens of thousands of pixels say as much as two million.
struct ComparisonPicture {
    /// Hue, saturation and value, pixel after pixel.
    private(set) var hsv: [UInt8]

    var pixelCount: Int { hsv.count / 3 }

    /// Converted from packed RGB24.
    init(rgb: UnsafeBufferPointer<UInt8>) {
        let pixels = rgb.count / 3
        hsv = [UInt8](unsafeUninitializedCapacity: pixels * 3) { out, count in
            Self.saturationDivisors.withUnsafeBufferPointer { saturationDivisors in
                Self.hueDivisors.withUnsafeBufferPointer { hueDivisors in
                    for pixel in 0..<pixels {
                        let index = pixel * 3
                        let (h, s, v) = Self.hsv(red: Int(rgb[index]), green: Int(rgb[index + 1]), blue: Int(rgb[index + 2]),
                                                 saturationDivisors: saturationDivisors, hueDivisors: hueDivisors)
                        out[index] = h
                        out[index + 1] = s
                        out[index + 2] = v
                    }
                }
            }
            count = pixels * 3
        }
    }

    /// OpenCV's `COLOR_RGB2HSV` for 8-bit pictures, to the unit (its fixed-point arithmetic and
    /// division tables), so that scores read like PySceneDetect's.
    private static func hsv(red: Int, green: Int, blue: Int, saturationDivisors: UnsafeBufferPointer<Int>,
                            hueDivisors: UnsafeBufferPointer<Int>) -> (UInt8, UInt8, UInt8) {
        let value = max(red, green, blue)
        let spread = value - min(red, green, blue)
        let redIsMost = value == red ? -1 : 0
        let greenIsMost = value == green ? -1 : 0
        let saturation = (spread * saturationDivisors[value] + (1 << (hsvShift - 1))) >> hsvShift
        var hue = (redIsMost & (green - blue))
            + (~redIsMost & ((greenIsMost & (blue - red + 2 * spread)) + (~greenIsMost & (red - green + 4 * spread))))
        hue = (hue * hueDivisors[spread] + (1 << (hsvShift - 1))) >> hsvShift
        if hue < 0 { hue += 180 }
        return (UInt8(hue), UInt8(saturation), UInt8(value))
    }

    private static let hsvShift = 12
    /// 255 / v and 180 / (6 × spread) in fixed point, as OpenCV tabulates them (0 for 0).
    private static let saturationDivisors: [Int] = (0..<256).map { $0 == 0 ? 0 : Int((Double(255 << hsvShift) / Double($0)).rounded()) }
    private static let hueDivisors: [Int] = (0..<256).map { $0 == 0 ? 0 : Int((Double(180 << hsvShift) / Double(6 * $0)).rounded()) }

    /// PySceneDetect's content value: the mean absolute difference of hue, of saturation and of
    /// value, averaged over the three (0 for identical pictures, 255 at most).
    func contentDifference(from other: ComparisonPicture) -> Double {
        precondition(hsv.count == other.hsv.count, "pictures of one clip share a size")
        var sums = (0, 0, 0)
        hsv.withUnsafeBufferPointer { mine in
            other.hsv.withUnsafeBufferPointer { theirs in
                var index = 0
                while index + 2 < mine.count {
                    sums.0 += abs(Int(mine[index]) - Int(theirs[index]))
                    sums.1 += abs(Int(mine[index + 1]) - Int(theirs[index + 1]))
                    sums.2 += abs(Int(mine[index + 2]) - Int(theirs[index + 2]))
                    index += 3
                }
            }
        }
        let pixels = Double(max(pixelCount, 1))
        return (Double(sums.0) + Double(sums.1) + Double(sums.2)) / pixels / 3
    }
}

/// Makes decoded frames into comparison pictures: shrunk by whole blocks (`BoxShrink`) when they
/// are 8-bit 4:2:0, else by swscale's area averaging (cached context) to the same size; one RGB
/// buffer reused from frame to frame. Owns the swscale context.
final class ComparisonScaler {
    /// The small picture's size: at most `longestSide` on the longer side, the clip's proportions kept.
    var width: Int { shrink.width }
    var height: Int { shrink.height }
    private var shrink: BoxShrink
    private var scaler: UnsafeMutableRawPointer?
    private var rgb: [UInt8]

    init(storedWidth: Int, storedHeight: Int, longestSide: Int = 256) {
        shrink = BoxShrink(storedWidth: max(storedWidth, 1), storedHeight: max(storedHeight, 1), longestSide: longestSide)
        rgb = [UInt8](repeating: 0, count: shrink.width * shrink.height * 3)
    }

    /// For the frames `decoder` gives (its stream's stored size).
    convenience init(for decoder: StreamDecoder) {
        self.init(storedWidth: Int(decoder.context.pointee.width), storedHeight: Int(decoder.context.pointee.height))
    }

    deinit { CFFmpeg_scaler_free(scaler) }

    func picture(of frame: Frame) throws(FFmpegError) -> ComparisonPicture {
        let raw = frame.raw
        if shrink.fits(raw) {
            rgb.withUnsafeMutableBufferPointer { shrink.shrink(raw, into: $0) }
        } else {
            scaler = CFFmpeg_area_scaler(scaler, raw.pointee.width, raw.pointee.height, AVPixelFormat(rawValue: raw.pointee.format),
                                         Int32(width), Int32(height), AV_PIX_FMT_RGB24)
            guard let scaler else { throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL)) }
            let width = width
            let rows = rgb.withUnsafeMutableBufferPointer { CFFmpeg_scale_frame_packed(scaler, raw, $0.baseAddress, Int32(width * 3)) }
            guard rows == Int32(height) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        }
        return rgb.withUnsafeBufferPointer { ComparisonPicture(rgb: $0) }
    }
}
