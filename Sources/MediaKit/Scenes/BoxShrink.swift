internal import CFFmpeg

/// Shrinks an 8-bit 4:2:0 frame (what H.264 and HEVC decoders give for nearly every clip) by a
/// whole factor, each output pixel the mean of its block, straight into packed RGB24. Every source
/// pixel is added once, rows first (a loop the compiler turns into vector adds): about a third of
/// what swscale's area filter costs for a 1080p frame, which a shot scan pays for every frame it
/// decodes. The colours are BT.601's, as swscale converts by default (and so OpenCV, which gives
/// PySceneDetect its pictures); averaging before converting gives the same mean, the conversion
/// being linear.
struct BoxShrink {
    /// Source pixels per output pixel, each way.
    let factor: Int
    let width: Int
    let height: Int
    private let lumaColumns: Taps
    private let lumaRows: Taps
    private let chromaColumns: Taps
    private let chromaRows: Taps
    private var luma: [UInt8]
    private var blue: [UInt8]
    private var red: [UInt8]
    /// One output row's column sums, reused.
    private var sums: [UInt16]

    /// The source samples under each output pixel along one side, and how much each counts: a luma
    /// plane's `factor` samples once each; a chroma plane (half as many samples, each standing for
    /// two luma ones) the samples under the same luma span, each by how many of its luma samples
    /// lie there. So with an odd factor a chroma sample on a block's edge counts half for each
    /// block, and a block's chroma lines up with its luma. The weights always add up to `factor`.
    private struct Taps {
        /// Per output index, its first source sample.
        let first: [Int]
        /// Per output index, `count` weights.
        let weights: [UInt16]
        let count: Int
        /// Source samples read from: the last output's last one, plus one.
        let reach: Int
        /// The weight every tap has, when they all have the same (a sum then needs no products).
        let uniform: UInt16?

        init(outputs: Int, factor: Int, subsampled: Bool) {
            // An even factor covers whole chroma samples; an odd one half a sample at one end.
            count = !subsampled ? factor : factor.isMultiple(of: 2) ? factor / 2 : factor / 2 + 1
            var first: [Int] = []
            var weights: [UInt16] = []
            for index in 0..<outputs {
                let lumaSpan = index * factor..<(index + 1) * factor
                let lower = subsampled ? lumaSpan.lowerBound / 2 : lumaSpan.lowerBound
                first.append(lower)
                for tap in 0..<count {
                    let sample = lower + tap
                    let covered = subsampled ? (2 * sample..<2 * sample + 2).clamped(to: lumaSpan).count
                        : (lumaSpan.contains(sample) ? 1 : 0)
                    weights.append(UInt16(covered))
                }
            }
            self.first = first
            self.weights = weights
            reach = (first.last ?? 0) + count
            uniform = Set(weights).count == 1 ? weights.first : nil
        }
    }

    /// For frames of `storedWidth` × `storedHeight`: the factor that brings the longer side to at
    /// most `longestSide`, the last few rows and columns that do not fill a block left out.
    init(storedWidth: Int, storedHeight: Int, longestSide: Int) {
        factor = max(1, (max(storedWidth, storedHeight) + longestSide - 1) / longestSide)
        width = max(1, storedWidth / factor)
        height = max(1, storedHeight / factor)
        lumaColumns = Taps(outputs: width, factor: factor, subsampled: false)
        lumaRows = Taps(outputs: height, factor: factor, subsampled: false)
        chromaColumns = Taps(outputs: width, factor: factor, subsampled: true)
        chromaRows = Taps(outputs: height, factor: factor, subsampled: true)
        luma = [UInt8](repeating: 0, count: width * height)
        blue = luma
        red = luma
        sums = [UInt16](repeating: 0, count: max(lumaColumns.reach, chromaColumns.reach))
    }

    /// Whether `frame` is one this shrinks: 8-bit planar 4:2:0 at least the size it was made for
    /// (so every sample a tap reads lies inside its planes).
    func fits(_ frame: UnsafePointer<AVFrame>) -> Bool {
        let format = AVPixelFormat(rawValue: frame.pointee.format)
        return (format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P)
            && Int(frame.pointee.width) >= width * factor && Int(frame.pointee.height) >= height * factor
            && Int(frame.pointee.linesize.0) >= lumaColumns.reach
            && Int(frame.pointee.linesize.1) >= chromaColumns.reach && Int(frame.pointee.linesize.2) >= chromaColumns.reach
    }

    /// The frame shrunk into `rgb` (width × height × 3 bytes).
    mutating func shrink(_ frame: UnsafePointer<AVFrame>, into rgb: UnsafeMutableBufferPointer<UInt8>) {
        let planes = (frame.pointee.data.0!, frame.pointee.data.1!, frame.pointee.data.2!)
        let strides = (Int(frame.pointee.linesize.0), Int(frame.pointee.linesize.1), Int(frame.pointee.linesize.2))
        let size = (width, height)
        // Every block's weights add up to factor² (a reciprocal instead of a division per pixel).
        let blockArea = factor * factor
        let reciprocal = ((1 << 24) + blockArea / 2) / blockArea
        let lumaTaps = (lumaColumns, lumaRows), chromaTaps = (chromaColumns, chromaRows)
        Self.average(planes.0, stride: strides.0, taps: lumaTaps, reciprocal: reciprocal, size: size, sums: &sums, into: &luma)
        Self.average(planes.1, stride: strides.1, taps: chromaTaps, reciprocal: reciprocal, size: size, sums: &sums, into: &blue)
        Self.average(planes.2, stride: strides.2, taps: chromaTaps, reciprocal: reciprocal, size: size, sums: &sums, into: &red)
        let fullRange = AVPixelFormat(rawValue: frame.pointee.format) == AV_PIX_FMT_YUVJ420P
            || frame.pointee.color_range == AVCOL_RANGE_JPEG
        Self.convert(luma, blue, red, fullRange: fullRange, into: rgb)
    }

    /// Each output pixel of one plane: the weighted mean of the source samples under it, the
    /// weighted sum times `reciprocal` (2^24 over the weights' total).
    private static func average(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, taps: (columns: Taps, rows: Taps), reciprocal: Int,
                                size: (width: Int, height: Int), sums: inout [UInt16], into output: inout [UInt8]) {
        let (width, height) = size
        let (columns, rows) = taps
        let used = 0..<columns.reach
        sums.withUnsafeMutableBufferPointer { sums in
            output.withUnsafeMutableBufferPointer { output in
                for y in 0..<height {
                    for column in used { sums[column] = 0 }
                    for tap in 0..<rows.count {
                        let weight = rows.weights[y * rows.count + tap]
                        guard weight > 0 else { continue }
                        let source = plane + (rows.first[y] + tap) * stride
                        if weight == 1 {
                            for column in used { sums[column] &+= UInt16(source[column]) }
                        } else {
                            for column in used { sums[column] &+= weight &* UInt16(source[column]) }
                        }
                    }
                    let row = output.baseAddress! + y * width
                    for x in 0..<width {
                        let first = columns.first[x]
                        var total = 0
                        if let weight = columns.uniform {
                            for tap in 0..<columns.count { total &+= Int(sums[first + tap]) }
                            total &*= Int(weight)
                        } else {
                            for tap in 0..<columns.count {
                                total &+= Int(columns.weights[x * columns.count + tap]) &* Int(sums[first + tap])
                            }
                        }
                        row[x] = UInt8(truncatingIfNeeded: (total &* reciprocal &+ (1 << 23)) >> 24)
                    }
                }
            }
        }
    }

    /// BT.601 YCbCr to RGB in 16-bit fixed point (limited range unless `fullRange`), clamped.
    private static func convert(_ luma: [UInt8], _ blue: [UInt8], _ red: [UInt8], fullRange: Bool,
                                into rgb: UnsafeMutableBufferPointer<UInt8>) {
        let (scale, offset, toRed, toGreenFromBlue, toGreenFromRed, toBlue) = fullRange
            ? (65_536, 0, 91_881, 22_554, 46_802, 116_130)
            : (76_309, 16, 104_597, 25_675, 53_279, 132_201)
        let clamp = { (value: Int) in UInt8(clamping: (value + 32_768) >> 16) }
        for index in luma.indices {
            let y = (Int(luma[index]) - offset) * scale
            let cb = Int(blue[index]) - 128
            let cr = Int(red[index]) - 128
            rgb[index * 3] = clamp(y + toRed * cr)
            rgb[index * 3 + 1] = clamp(y - toGreenFromBlue * cb - toGreenFromRed * cr)
            rgb[index * 3 + 2] = clamp(y + toBlue * cb)
        }
    }
}
