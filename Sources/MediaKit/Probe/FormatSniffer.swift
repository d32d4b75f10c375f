internal import CFFmpeg

/// Asks FFmpeg which format the first bytes of a file look like, without opening it as media:
/// tells a damaged MP4 (recognised, unreadable) from a text file named `.mp4` (not media at all),
/// and a HEIF photo from either.
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

    /// "HEIC" or "AVIF" when the file is a HEIF image (an ISO media file whose `ftyp` box names an
    /// image brand): what iPhones save photos as, and AVIF. FFmpeg reads them with its MP4 demuxer
    /// (AVIF since 5.1, HEIC tiles only since 7.1) or not at all, so they pass for a video or a
    /// damaged MP4 unless told apart here.
    static func heifImage(ofFileAt path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 256)
        let count = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 256) }
        guard count >= 16, head[4..<8].elementsEqual("ftyp".utf8) else { return nil }
        let boxSize = head[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let end = min(count, max(16, boxSize))
        // The major brand, then the compatible ones after the minor version.
        let brands = stride(from: 8, to: end - 3, by: 4).filter { $0 != 12 }.map { String(decoding: head[$0..<$0 + 4], as: UTF8.self) }
        if brands.contains(where: { ["avif", "avis"].contains($0) }) { return "AVIF" }
        if brands.contains(where: { ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"].contains($0) }) { return "HEIC" }
        return nil
    }
}
