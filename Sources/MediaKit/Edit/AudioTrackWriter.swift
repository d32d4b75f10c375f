#if canImport(Glibc)
import Glibc
#endif
internal import CFFmpeg

/// The output's sound: one AAC track at 48 kHz stereo, fed clip by clip. Each clip's decoded audio
/// is resampled (swresample) into a FIFO that hands the encoder its fixed 1024-sample frames, and
/// is cut or padded with silence to exactly the clip's length in the output, so sound and picture
/// stay in step across every joint. A clip with no audio contributes silence.
final class AudioTrackWriter {
    static let sampleRate = 48_000
    private let encoder: MediaEncoder
    private let writer: MP4Writer
    let stream: Int
    private let fifo: OpaquePointer
    private let encoderFrame: Frame
    /// Samples sent to the encoder so far, which is the next frame's pts.
    private var samplesEncoded: Int64 = 0
    /// Samples of the output track so far: encoded plus waiting in the FIFO.
    private(set) var samplesWritten: Int64 = 0

    init(writer: MP4Writer) throws(FFmpegError) {
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
        var missing = end - samplesWritten
        let chunk = Int64(encoder.frameSize)
        while missing > 0 {
            let count = Int32(min(missing, chunk))
            try writeSilence(count)
            missing -= Int64(count)
        }
    }

    /// Appends samples (planar float, stereo) from `planes`, at most up to output sample `end`.
    /// Returns how many were taken.
    @discardableResult
    func append(_ planes: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int, upTo end: Int64) throws(FFmpegError) -> Int {
        let taken = Int(max(0, min(Int64(count), end - samplesWritten)))
        guard taken > 0 else { return 0 }
        guard av_audio_fifo_write(fifo, planes, Int32(taken)) == Int32(taken) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        samplesWritten += Int64(taken)
        try encodeWholeFrames()
        return taken
    }

    /// Encodes what remains (a last, short frame) and drains the encoder.
    func finish() throws(FFmpegError) {
        let remaining = av_audio_fifo_size(fifo)
        if remaining > 0 { try encodeFrame(samples: remaining) }
        try encoder.send(nil)
        try drain()
    }

    private func writeSilence(_ count: Int32) throws(FFmpegError) {
        let silent = try Frame()
        silent.raw.pointee.nb_samples = count
        silent.raw.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        av_channel_layout_default(&silent.raw.pointee.ch_layout, 2)
        try FFmpegError.check(av_frame_get_buffer(silent.raw, 0))
        try FFmpegError.check(av_samples_set_silence(silent.raw.pointee.extended_data, 0, count, 2, AV_SAMPLE_FMT_FLTP))
        let planes = UnsafeMutableRawPointer(silent.raw.pointee.extended_data!)
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        try append(planes, count: Int(count), upTo: samplesWritten + Int64(count))
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

/// Converts one clip's decoded audio to the output track's format (48 kHz, stereo, planar float)
/// with swresample, and lays it at the right place: the clip's first sample lands where its
/// timestamp says, relative to the segment's start (silence before it, or the part before the
/// segment's start cut away).
final class AudioSegmentFeeder {
    private let track: AudioTrackWriter
    private let resampler: OpaquePointer
    private let converted: Frame
    /// Output samples of this segment: [start, end).
    private let start: Int64
    private let end: Int64
    private var placed = false
    private var flushed = false

    init(track: AudioTrackWriter, decoder context: UnsafeMutablePointer<AVCodecContext>,
         segment: Range<Int64>) throws(FFmpegError) {
        self.track = track
        start = segment.lowerBound
        end = segment.upperBound
        var input = AVChannelLayout()
        if context.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || context.pointee.ch_layout.nb_channels == 0 {
            av_channel_layout_default(&input, max(1, context.pointee.ch_layout.nb_channels))
        } else {
            try FFmpegError.check(av_channel_layout_copy(&input, &context.pointee.ch_layout))
        }
        defer { av_channel_layout_uninit(&input) }
        var output = AVChannelLayout()
        av_channel_layout_default(&output, 2)
        var resampler: OpaquePointer?
        try FFmpegError.check(swr_alloc_set_opts2(&resampler, &output, AV_SAMPLE_FMT_FLTP, Int32(AudioTrackWriter.sampleRate),
                                                  &input, context.pointee.sample_fmt, context.pointee.sample_rate, 0, nil))
        guard let resampler else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.resampler = resampler
        converted = try Frame()
        try FFmpegError.check(swr_init(resampler))
    }

    deinit {
        var owned: OpaquePointer? = resampler
        swr_free(&owned)
    }

    /// Whether the segment's sound is complete.
    var isFull: Bool { track.samplesWritten >= end }

    /// Adds one decoded frame whose first sample is at `seconds` from the segment's start.
    func add(_ frame: Frame, at seconds: Double) throws(FFmpegError) {
        let length = Double(frame.raw.pointee.nb_samples) / Double(max(1, frame.raw.pointee.sample_rate))
        // Wholly before the segment (decoding starts at the keyframe before a trim): not wanted.
        if !placed, seconds.isFinite, seconds + length <= 0 { return }
        try convert(frame.raw)
        var skip = 0
        if !placed {
            placed = true
            let position = start + AudioTrackWriter.sample(at: seconds.isFinite ? seconds : 0)
            if position > track.samplesWritten { try track.silence(upTo: min(position, end)) }
            skip = Int(max(0, track.samplesWritten - position))
        }
        try append(skipping: skip)
    }

    /// Takes the resampler's last samples (those it held back for filtering), once.
    func flush() throws(FFmpegError) {
        guard placed, !flushed else { return }
        flushed = true
        try convert(nil)
        try append(skipping: 0)
    }

    /// Flushes and pads the segment with silence to its end.
    func finish() throws(FFmpegError) {
        try flush()
        try track.silence(upTo: end)
    }

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?) throws(FFmpegError) {
        av_frame_unref(converted.raw)
        converted.raw.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        converted.raw.pointee.sample_rate = Int32(AudioTrackWriter.sampleRate)
        av_channel_layout_default(&converted.raw.pointee.ch_layout, 2)
        try FFmpegError.check(swr_convert_frame(resampler, converted.raw, frame))
    }

    private func append(skipping skip: Int) throws(FFmpegError) {
        let count = Int(converted.raw.pointee.nb_samples)
        guard count > skip, let data = converted.raw.pointee.extended_data else { return }
        var planes: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(data[0]! + skip * 4),
                                                  UnsafeMutableRawPointer(data[1]! + skip * 4)]
        try planes.withUnsafeMutableBufferPointer { buffer throws(FFmpegError) in
            _ = try track.append(buffer.baseAddress!, count: count - skip, upTo: end)
        }
    }
}
