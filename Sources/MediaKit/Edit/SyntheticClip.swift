internal import CFFmpeg

/// A generated H.264 MP4: bands of light scrolling over a slowly shifting colour, at the size,
/// length and rate asked, with a quiet 440 Hz AAC tone when `audio` is set. It stands in for a
/// model's output where no real one exists (the simulator's results).
public enum SyntheticClip {
    public static func write(to path: String, width: Int, height: Int, seconds: Int,
                             framesPerSecond: Int = 24, audio: Bool = false) throws(FFmpegError) {
        try GeneratedClip.write(to: path, width: width, height: height, seconds: seconds,
                                framesPerSecond: framesPerSecond, audio: audio, crf: 30) { frame, index, count in
            paint(frame.raw, index: index, of: count)
        }
    }

    /// One picture: luma bands that scroll down over time, chroma that drifts through the hues.
    /// Whole rows are filled at once, so a 10 s 1080p clip paints in moments even unoptimised.
    private static func paint(_ frame: UnsafeMutablePointer<AVFrame>, index: Int, of count: Int) {
        let height = Int(frame.pointee.height)
        let width = Int(frame.pointee.width)
        let progress = Double(index) / Double(max(count, 1))
        withUnsafePointer(to: frame.pointee.data) { planes in
            planes.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 3) { plane in
                let strides = [Int(frame.pointee.linesize.0), Int(frame.pointee.linesize.1), Int(frame.pointee.linesize.2)]
                for row in 0..<height {
                    let band = (row + index * 4) % 96
                    let luma = UInt8(64 + (band < 48 ? band * 3 : (96 - band) * 3))
                    memset(plane[0]! + row * strides[0], Int32(luma), width)
                }
                let blue = UInt8(128 + 80 * sin(progress * 2 * .pi))
                let red = UInt8(128 + 80 * cos(progress * 2 * .pi))
                for row in 0..<(height + 1) / 2 {
                    memset(plane[1]! + row * strides[1], Int32(blue), (width + 1) / 2)
                    memset(plane[2]! + row * strides[2], Int32(red), (width + 1) / 2)
                }
            }
        }
    }
}
