internal import CFFmpeg

/// The encoding half of every clip this library makes up (the synthetic test pattern, the
/// simulator's stand-in shots): H.264 in MP4 at the size, length and rate asked, each picture
/// painted by the caller, with a quiet tone when `audio` is set.
enum GeneratedClip {
    /// Paints picture `index` of `count` into a writable YUV 4:2:0 frame.
    typealias Painter = (_ frame: Frame, _ index: Int, _ count: Int) throws(FFmpegError) -> Void

    static func write(to path: String, width: Int, height: Int, seconds: Int, framesPerSecond: Int,
                      audio: Bool, crf: Int, paint: Painter) throws(FFmpegError) {
        try write(to: path, width: width, height: height, frameCount: seconds * framesPerSecond,
                  frameRate: Rational(framesPerSecond, 1), audio: audio, crf: crf, paint: paint)
    }

    static func write(to path: String, width: Int, height: Int, frameCount: Int, frameRate: Rational,
                      audio: Bool, crf: Int, paint: Painter) throws(FFmpegError) {
        let framesPerSecond = frameRate.value ?? 24
        let writer = try MovieWriter(path: path)
        let video = try MediaEncoder.h264(width: width, height: height, frameRate: frameRate,
                                          crf: crf, preset: "ultrafast", globalHeader: writer.needsGlobalHeader)
        let videoStream = try writer.addStream(from: video.context)
        let tone = try audio ? ToneTrack(writer: writer) : nil
        try writer.begin()
        let frame = try Frame(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        func drain() throws(FFmpegError) {
            while case .packet(let packet) = try video.receive() {
                try writer.write(packet, stream: videoStream, timeBase: video.context.pointee.time_base)
            }
        }
        for index in 0..<frameCount {
            // Cancelled: stop, and leave nothing (the writer removes its temporary file).
            if Task.isCancelled { throw FFmpegError(code: CFFmpeg_AVERROR(EINTR)) }
            try frame.makeWritable()
            try paint(frame, index, frameCount)
            frame.raw.pointee.pts = Int64(index)
            try video.send(frame)
            try drain()
            // Keep the audio level with the pictures so the file interleaves as it is written.
            try tone?.write(upTo: Double(index + 1) / Double(framesPerSecond))
        }
        try video.send(nil)
        try drain()
        try tone?.finish(at: Double(frameCount) / framesPerSecond)
        try writer.finish()
    }
}

/// The synthetic clip's sound: a 440 Hz sine at -20 dBFS, encoded in AAC frames as time advances.
final class ToneTrack {
    private let encoder: MediaEncoder
    private let writer: MovieWriter
    private let stream: Int
    private let frame: Frame
    private var samplesWritten: Int64 = 0

    init(writer: MovieWriter) throws(FFmpegError) {
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
