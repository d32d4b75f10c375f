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
        var hsv = [UInt8](repeating: 0, count: rgb.count)
        hsv.withUnsafeMutableBufferPointer { out in
            var index = 0
            while index + 2 < rgb.count {
                let (h, s, v) = Self.hsv(red: Int(rgb[index]), green: Int(rgb[index + 1]), blue: Int(rgb[index + 2]))
                out[index] = h
                out[index + 1] = s
                out[index + 2] = v
                index += 3
            }
        }
        self.hsv = hsv
    }

    /// OpenCV's `COLOR_RGB2HSV` for 8-bit pictures, so that scores read like PySceneDetect's.
    static func hsv(red: Int, green: Int, blue: Int) -> (UInt8, UInt8, UInt8) {
        let value = max(red, green, blue)
        let spread = value - min(red, green, blue)
        let saturation = value == 0 ? 0 : (255 * spread + value / 2) / value
        guard spread > 0 else { return (0, UInt8(saturation), UInt8(value)) }
        var degrees: Double
        if value == red {
            degrees = 60 * Double(green - blue) / Double(spread)
        } else if value == green {
            degrees = 120 + 60 * Double(blue - red) / Double(spread)
        } else {
            degrees = 240 + 60 * Double(red - green) / Double(spread)
        }
        if degrees < 0 { degrees += 360 }
        return (UInt8(min(179, Int((degrees / 2).rounded()))), UInt8(saturation), UInt8(value))
    }

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

/// Makes decoded frames into comparison pictures: one swscale context (area averaging, cached),
/// one RGB buffer reused from frame to frame. Owns the context.
final class ComparisonScaler {
    /// The small picture's size: at most `longestSide` on the longer side, the clip's proportions kept.
    let width: Int
    let height: Int
    private var scaler: UnsafeMutableRawPointer?
    private var rgb: [UInt8]

    init(storedWidth: Int, storedHeight: Int, longestSide: Int = 256) {
        let scale = min(1, Double(longestSide) / Double(max(storedWidth, storedHeight, 1)))
        width = max(8, Int((Double(storedWidth) * scale).rounded()))
        height = max(8, Int((Double(storedHeight) * scale).rounded()))
        rgb = [UInt8](repeating: 0, count: width * height * 3)
    }

    deinit { CFFmpeg_scaler_free(scaler) }

    func picture(of frame: Frame) throws(FFmpegError) -> ComparisonPicture {
        let raw = frame.raw
        scaler = CFFmpeg_area_scaler(scaler, raw.pointee.width, raw.pointee.height, AVPixelFormat(rawValue: raw.pointee.format),
                                     Int32(width), Int32(height), AV_PIX_FMT_RGB24)
        guard let scaler else { throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL)) }
        let width = width
        let rows = rgb.withUnsafeMutableBufferPointer { CFFmpeg_scale_frame_packed(scaler, raw, $0.baseAddress, Int32(width * 3)) }
        guard rows == Int32(height) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        return rgb.withUnsafeBufferPointer { ComparisonPicture(rgb: $0) }
    }
}
