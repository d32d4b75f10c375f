#if canImport(Glibc)
import Glibc
#endif
internal import CFFmpeg

/// A generated H.264 MP4 with no audio: bands of light scrolling over a slowly shifting colour, at
/// the size, length and rate asked. It stands in for a model's output where no real one exists
/// (the simulator's results).
public enum SyntheticClip {
    public static func write(to path: String, width: Int, height: Int, seconds: Int,
                             framesPerSecond: Int = 24) throws(FFmpegError) {
        let writer = try MP4Writer(path: path)
        let encoder = try VideoEncoder(width: width, height: height, framesPerSecond: framesPerSecond,
                                       crf: 30, preset: "ultrafast", globalHeader: writer.needsGlobalHeader)
        let stream = try writer.addStream(from: encoder.context)
        try writer.begin()
        let frame = try Frame(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        let frameCount = seconds * framesPerSecond
        func drain() throws(FFmpegError) {
            while case .packet(let packet) = try encoder.receive() {
                try writer.write(packet, stream: stream, timeBase: encoder.context.pointee.time_base)
            }
        }
        for index in 0..<frameCount {
            try frame.makeWritable()
            paint(frame.raw, index: index, of: frameCount)
            frame.raw.pointee.pts = Int64(index)
            try encoder.send(frame)
            try drain()
        }
        try encoder.send(nil)
        try drain()
        try writer.finish()
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
