import Foundation
internal import CFFmpeg

/// Asks FFmpeg which format the first bytes of a file look like, without opening it as media:
/// tells a damaged MP4 (recognised, unreadable) from a text file named `.mp4` (not media at all).
enum FormatSniffer {
    /// The long name of the format FFmpeg recognises, or nil.
    static func recognisedFormat(ofFileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4096), !head.isEmpty else { return nil }
        // FFmpeg reads past the end of the probe buffer: it must carry zeroed padding.
        var buffer = [UInt8](head) + [UInt8](repeating: 0, count: Int(AVPROBE_PADDING_SIZE))
        return buffer.withUnsafeMutableBufferPointer { bytes in
            // No file name: a match on the content only, not on an extension that may lie.
            var probe = AVProbeData()
            probe.buf = bytes.baseAddress
            probe.buf_size = Int32(head.count)
            // Demand the confidence FFmpeg itself wants before it stops probing (AVPROBE_SCORE_RETRY).
            var score = AVPROBE_SCORE_MAX / 4
            guard let format = av_probe_input_format2(&probe, 1, &score) else { return nil }
            return String(cString: format.pointee.long_name ?? format.pointee.name)
        }
    }
}
