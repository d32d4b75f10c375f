internal import CFFmpeg

/// The output's sound: one AAC track at 48 kHz stereo, appended in order (by `OutputTimeline`,
/// from each segment's `SoundSource`). A FIFO hands the encoder its fixed 1024-sample frames.
final class AudioTrackWriter {
    static let sampleRate = 48_000
    private let encoder: MediaEncoder
    private let writer: MovieWriter
    let stream: Int
    private let fifo: OpaquePointer
    private let encoderFrame: Frame
    /// Samples sent to the encoder so far, which is the next frame's pts.
    private var samplesEncoded: Int64 = 0
    /// Samples of the output track so far: encoded plus waiting in the FIFO.
    private(set) var samplesWritten: Int64 = 0

    init(writer: MovieWriter) throws(FFmpegError) {
        self.writer = writer
        encoder = try MediaEncoder.aac(sampleRate: Self.sampleRate, channels: 2, globalHeader: writer.needsGlobalHeader)
        stream = try writer.addStream(from: encoder.context)
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, Int32(encoder.frameSize * 4)) else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM))
        }
        self.fifo = fifo
        encoderFrame = try encoder.makeAudioFrame()
    }

    deinit { av_audio_fifo_free(fifo) }

    /// The output sample at which `seconds` of output time falls.
    static func sample(at seconds: Double) -> Int64 { Int64((seconds * Double(sampleRate)).rounded()) }

    /// Appends silence up to output sample `end`.
    func silence(upTo end: Int64) throws(FFmpegError) {
        let chunk = encoder.frameSize
        let zeros = [Float](repeating: 0, count: chunk)
        while samplesWritten < end {
            let count = Int(min(end - samplesWritten, Int64(chunk)))
            try zeros.withUnsafeBufferPointer { buffer throws(FFmpegError) in
                try append(left: buffer.baseAddress!, right: buffer.baseAddress!, count: count)
            }
        }
    }

    /// Appends `count` samples of each channel (48 kHz float).
    func append(left: UnsafePointer<Float>, right: UnsafePointer<Float>, count: Int) throws(FFmpegError) {
        guard count > 0 else { return }
        var planes: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(mutating: left), UnsafeMutableRawPointer(mutating: right)]
        let written = planes.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(count)) }
        guard written == Int32(count) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        samplesWritten += Int64(count)
        try encodeWholeFrames()
    }

    /// Encodes what remains (a last, short frame) and drains the encoder.
    func finish() throws(FFmpegError) {
        let remaining = av_audio_fifo_size(fifo)
        if remaining > 0 { try encodeFrame(samples: remaining) }
        try encoder.send(nil)
        try drain()
    }

    private func encodeWholeFrames() throws(FFmpegError) {
        while av_audio_fifo_size(fifo) >= Int32(encoder.frameSize) {
            try encodeFrame(samples: Int32(encoder.frameSize))
        }
    }

    private func encodeFrame(samples: Int32) throws(FFmpegError) {
        try encoderFrame.makeWritable()
        encoderFrame.raw.pointee.nb_samples = samples
        let read = encoderFrame.raw.pointee.extended_data!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 2) {
            av_audio_fifo_read(fifo, $0, samples)
        }
        guard read == samples else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        encoderFrame.raw.pointee.pts = samplesEncoded
        samplesEncoded += Int64(samples)
        try encoder.send(encoderFrame)
        try drain()
    }

    private func drain() throws(FFmpegError) {
        while case .packet(let packet) = try encoder.receive() {
            try writer.write(packet, stream: stream, timeBase: encoder.context.pointee.time_base)
        }
    }
}
