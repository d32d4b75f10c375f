internal import CFFmpeg

/// One segment's sound on the output's sample clock (48 kHz, stereo, planar float), read in order
/// from the segment's first sample: the clip's own audio resampled by swresample and laid where
/// its timestamps say (silence before it; the part before the segment's start cut away), then
/// silence once it runs out. A clip without audio reads as silence throughout.
///
/// Pulled rather than pushed, so that the timeline can read two segments side by side and mix
/// them over a cross-fade.
final class SoundSource {
    private let decoder: StreamDecoder?
    private let resampler: OpaquePointer?
    private let converted: Frame
    /// Converted samples waiting to be read; its first sample is local sample `position`.
    private let fifo: OpaquePointer
    /// Seconds into the clip where the segment starts.
    private let start: Double
    /// Local samples handed out so far.
    private var position: Int64 = 0
    /// Local samples placed so far: read out, or waiting in the FIFO.
    private var placed: Int64 = 0
    private var started = false
    private var exhausted = false

    init(segment: Segment) throws {
        start = segment.start
        guard let fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, 2, 4096) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.fifo = fifo
        converted = try Frame()
        guard let audio = segment.info.primaryAudio else {
            decoder = nil
            resampler = nil
            exhausted = true
            return
        }
        let decoder = try StreamDecoder(path: segment.path, streamIndex: audio.index, from: segment.start)
        self.decoder = decoder
        resampler = try Self.makeResampler(for: decoder.context)
    }

    deinit {
        av_audio_fifo_free(fifo)
        var owned = resampler
        swr_free(&owned)
    }

    /// Fills `left` and `right` with the next `count` samples.
    func read(_ count: Int, left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>) throws(FFmpegError) {
        while !exhausted, placed < position + Int64(count) { try decodeMore() }
        let available = Int(min(Int64(av_audio_fifo_size(fifo)), Int64(count)))
        if available > 0 {
            var planes: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(left), UnsafeMutableRawPointer(right)]
            let read = planes.withUnsafeMutableBufferPointer { av_audio_fifo_read(fifo, $0.baseAddress, Int32(available)) }
            guard read == Int32(available) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        }
        if available < count {
            (left + available).update(repeating: 0, count: count - available)
            (right + available).update(repeating: 0, count: count - available)
        }
        position += Int64(count)
        placed = max(placed, position)
    }

    /// Decodes one more frame into the FIFO, or, at the end, takes the resampler's last samples.
    private func decodeMore() throws(FFmpegError) {
        guard let decoder else { exhausted = true; return }
        guard let (frame, time) = try decoder.next() else {
            exhausted = true
            if started {
                try convert(nil)
                try place(skipping: 0)
            }
            return
        }
        let seconds = time.isFinite ? time - start : Double(placed) / Double(AudioTrackWriter.sampleRate)
        let length = Double(frame.raw.pointee.nb_samples) / Double(max(1, frame.raw.pointee.sample_rate))
        // Wholly before the segment (decoding starts at the keyframe before a trim): not wanted.
        if !started, seconds + length <= 0 { return }
        try convert(frame.raw)
        var skip: Int64 = 0
        if !started {
            started = true
            let first = AudioTrackWriter.sample(at: seconds)
            if first > placed { try writeSilence(first - placed) }
            skip = max(0, placed - first)
        }
        try place(skipping: skip)
    }

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?) throws(FFmpegError) {
        av_frame_unref(converted.raw)
        converted.raw.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        converted.raw.pointee.sample_rate = Int32(AudioTrackWriter.sampleRate)
        av_channel_layout_default(&converted.raw.pointee.ch_layout, 2)
        try FFmpegError.check(swr_convert_frame(resampler, converted.raw, frame))
    }

    private func place(skipping skip: Int64) throws(FFmpegError) {
        let count = Int64(converted.raw.pointee.nb_samples)
        guard count > skip, let data = converted.raw.pointee.extended_data else { return }
        var planes: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(data[0]! + Int(skip) * 4),
                                                  UnsafeMutableRawPointer(data[1]! + Int(skip) * 4)]
        let written = planes.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(count - skip)) }
        guard written == Int32(count - skip) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        placed += count - skip
    }

    private func writeSilence(_ count: Int64) throws(FFmpegError) {
        let silent = [Float](repeating: 0, count: Int(count))
        try silent.withUnsafeBufferPointer { buffer throws(FFmpegError) in
            var planes: [UnsafeMutableRawPointer?] = [UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                                                      UnsafeMutableRawPointer(mutating: buffer.baseAddress)]
            let written = planes.withUnsafeMutableBufferPointer { av_audio_fifo_write(fifo, $0.baseAddress, Int32(count)) }
            guard written == Int32(count) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        }
        placed += count
    }

    private static func makeResampler(for context: UnsafeMutablePointer<AVCodecContext>) throws(FFmpegError) -> OpaquePointer {
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
        var owned: OpaquePointer? = resampler
        do { try FFmpegError.check(swr_init(resampler)) } catch { swr_free(&owned); throw error }
        return resampler
    }
}
