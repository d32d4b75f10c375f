internal import CFFmpeg

/// A generated H.264 MP4: bands of light scrolling over a slowly shifting colour, at the size,
/// length and rate asked, with a quiet 440 Hz AAC tone when `audio` is set. It stands in for a
/// model's output where no real one exists (the simulator's results).
public enum SyntheticClip {
    public static func write(to path: String, width: Int, height: Int, seconds: Int,
                             framesPerSecond: Int = 24, audio: Bool = false) throws(FFmpegError) {
        let writer = try MP4Writer(path: path)
        let video = try MediaEncoder.h264(width: width, height: height, frameRate: Rational(framesPerSecond, 1),
                                     crf: 30, preset: "ultrafast", globalHeader: writer.needsGlobalHeader)
        let videoStream = try writer.addStream(from: video.context)
        let tone = try audio ? ToneTrack(writer: writer) : nil
        try writer.begin()
        let frame = try Frame(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        let frameCount = seconds * framesPerSecond
        func drain() throws(FFmpegError) {
            while case .packet(let packet) = try video.receive() {
                try writer.write(packet, stream: videoStream, timeBase: video.context.pointee.time_base)
            }
        }
        for index in 0..<frameCount {
            try frame.makeWritable()
            paint(frame.raw, index: index, of: frameCount)
            frame.raw.pointee.pts = Int64(index)
            try video.send(frame)
            try drain()
            // Keep the audio level with the pictures so the file interleaves as it is written.
            try tone?.write(upTo: Double(index + 1) / Double(framesPerSecond))
        }
        try video.send(nil)
        try drain()
        try tone?.finish(at: Double(seconds))
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

/// The synthetic clip's sound: a 440 Hz sine at -20 dBFS, encoded in AAC frames as time advances.
private final class ToneTrack {
    private let encoder: MediaEncoder
    private let writer: MP4Writer
    private let stream: Int
    private let frame: Frame
    private var samplesWritten: Int64 = 0

    init(writer: MP4Writer) throws(FFmpegError) {
        self.writer = writer
        encoder = try MediaEncoder.aac(globalHeader: writer.needsGlobalHeader)
        stream = try writer.addStream(from: encoder.context)
        frame = try encoder.makeAudioFrame()
    }

    /// Encodes whole AAC frames until the track reaches `seconds`.
    func write(upTo seconds: Double) throws(FFmpegError) {
        let rate = Double(encoder.context.pointee.sample_rate)
        while Double(samplesWritten) / rate < seconds {
            try frame.makeWritable()
            fill(frame.raw, startingAt: samplesWritten, rate: rate)
            frame.raw.pointee.pts = samplesWritten
            samplesWritten += Int64(encoder.frameSize)
            try encoder.send(frame)
            try drain()
        }
    }

    func finish(at seconds: Double) throws(FFmpegError) {
        try write(upTo: seconds)
        try encoder.send(nil)
        try drain()
    }

    private func drain() throws(FFmpegError) {
        while case .packet(let packet) = try encoder.receive() {
            try writer.write(packet, stream: stream, timeBase: encoder.context.pointee.time_base)
        }
    }

    private func fill(_ frame: UnsafeMutablePointer<AVFrame>, startingAt first: Int64, rate: Double) {
        let count = Int(frame.pointee.nb_samples)
        let channels = Int(frame.pointee.ch_layout.nb_channels)
        guard let planes = frame.pointee.extended_data else { return }
        for channel in 0..<channels {
            guard let plane = planes[channel] else { continue }
            plane.withMemoryRebound(to: Float.self, capacity: count) { samples in
                for index in 0..<count {
                    samples[index] = Float(0.1 * sin(2 * .pi * 440 * Double(first + Int64(index)) / rate))
                }
            }
        }
    }
}
