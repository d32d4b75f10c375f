internal import CFFmpeg

/// Asks FFmpeg which format the first bytes of a file look like, without opening it as media:
/// tells a damaged MP4 (recognised, unreadable) from a text file named `.mp4` (not media at all).
enum FormatSniffer {
    /// The long name of the format FFmpeg recognises, or nil.
    static func recognisedFormat(ofFileAt path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // FFmpeg reads past the end of the probe buffer: it must carry zeroed padding.
        let headSize = 4096
        var buffer = [UInt8](repeating: 0, count: headSize + Int(AVPROBE_PADDING_SIZE))
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, headSize) }
        guard count > 0 else { return nil }
        return buffer.withUnsafeMutableBufferPointer { bytes in
            // No file name: a match on the content only, not on an extension that may lie.
            var probe = AVProbeData()
            probe.buf = bytes.baseAddress
            probe.buf_size = Int32(count)
            // Demand the confidence FFmpeg itself wants before it stops probing (AVPROBE_SCORE_RETRY).
            var score = AVPROBE_SCORE_MAX / 4
            guard let format = av_probe_input_format2(&probe, 1, &score) else { return nil }
            return String(cString: format.pointee.long_name ?? format.pointee.name)
        }
    }
}
