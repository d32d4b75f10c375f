internal import CFFmpeg

/// The output's picture: one H.264 track at a constant frame rate, made of runs re-encoded with
/// x264 and, for smart passthrough, packets copied from a clip that already matches the output.
///
/// With passthrough the track's `avcC` lists the copied clip's parameter sets and x264's (under an
/// id the clip does not use, see `AVCConfiguration`), and x264's Annex B packets are rewritten with
/// the clip's length prefixes, as MP4 stores them. Without it the muxer does that conversion.
final class VideoTrackWriter {
    struct Settings {
        var size: PixelSize
        var frameRate: Rational
        var crf: Int
        var preset: String
    }

    let stream: Int
    let settings: Settings
    private let writer: MovieWriter
    private let x264Parameters: String?
    /// Set with passthrough: x264's packets are rewritten with prefixes of this many bytes.
    private let lengthSize: Int?
    private var encoder: MediaEncoder?
    private let picture: Frame

    /// A track of re-encoded runs only.
    init(writer: MovieWriter, settings: Settings) throws(FFmpegError) {
        self.writer = writer
        self.settings = settings
        x264Parameters = nil
        lengthSize = nil
        let first = try Self.makeEncoder(settings, x264Parameters: nil, globalHeader: writer.needsGlobalHeader)
        encoder = first
        stream = try writer.addStream(from: first.context)
        picture = try Frame(width: settings.size.width, height: settings.size.height, format: AV_PIX_FMT_YUV420P)
    }

    /// A track that carries `passthrough`'s packets as they are, with runs re-encoded around them.
    init(writer: MovieWriter, settings: Settings, passthrough source: UnsafeMutablePointer<AVStream>,
         configuration: AVCConfiguration) throws(FFmpegError) {
        self.writer = writer
        self.settings = settings
        let unused = (0...31).first { !configuration.usedIdentifiers.contains($0) } ?? 1
        x264Parameters = "sps-id=\(unused)"
        lengthSize = configuration.lengthSize
        let first = try Self.makeEncoder(settings, x264Parameters: x264Parameters, globalHeader: true)
        encoder = first
        guard let ours = AVCConfiguration(units: first.extradata.withUnsafeBufferPointer { AnnexB.units(in: $0) },
                                          lengthSize: configuration.lengthSize) else {
            throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA())
        }
        stream = try writer.addStream(copying: source, extradata: configuration.merged(with: ours).record, displayMatrix: false)
        picture = try Frame(width: settings.size.width, height: settings.size.height, format: AV_PIX_FMT_YUV420P)
    }

    /// One frame's length in the encoder's time base is one tick: frame numbers are timestamps.
    var encoderTimeBase: AVRational {
        AVRational(num: Int32(settings.frameRate.denominator), den: Int32(settings.frameRate.numerator))
    }

    /// The output picture to fill (by `PictureFitter`) before `encode`; writable.
    func pictureToFill() throws(FFmpegError) -> Frame {
        try picture.makeWritable()
        return picture
    }

    /// Encodes `frame` (the output picture, or a decoded frame already matching it) as output frame `number`.
    func encode(_ frame: Frame, number: Int64) throws(FFmpegError) {
        let encoder = try currentEncoder()
        frame.raw.pointee.pts = number
        frame.raw.pointee.pict_type = AV_PICTURE_TYPE_NONE
        try encoder.send(frame)
        try drain(encoder)
    }

    /// Ends a re-encoded run (before copied packets): the encoder gives up what it holds.
    func endRun() throws(FFmpegError) {
        guard let encoder else { return }
        try encoder.send(nil)
        try drain(encoder)
        self.encoder = nil
    }

    /// Writes a packet copied from the passthrough clip, its timestamps in `timeBase`.
    func copy(_ packet: UnsafeMutablePointer<AVPacket>, timeBase: AVRational) throws(FFmpegError) {
        try writer.write(packet, stream: stream, timeBase: timeBase)
    }

    private func currentEncoder() throws(FFmpegError) -> MediaEncoder {
        if let encoder { return encoder }
        let made = try Self.makeEncoder(settings, x264Parameters: x264Parameters,
                                        globalHeader: lengthSize != nil || writer.needsGlobalHeader)
        encoder = made
        return made
    }

    private static func makeEncoder(_ settings: Settings, x264Parameters: String?, globalHeader: Bool) throws(FFmpegError) -> MediaEncoder {
        try MediaEncoder.h264(width: settings.size.width, height: settings.size.height, frameRate: settings.frameRate,
                              crf: settings.crf, preset: settings.preset, x264Parameters: x264Parameters,
                              globalHeader: globalHeader)
    }

    private func drain(_ encoder: MediaEncoder) throws(FFmpegError) {
        while case .packet(let packet) = try encoder.receive() {
            if let lengthSize {
                let rewritten = try Self.lengthPrefixed(packet, lengthSize: lengthSize)
                try writer.write(rewritten.raw, stream: stream, timeBase: encoderTimeBase)
            } else {
                try writer.write(packet, stream: stream, timeBase: encoderTimeBase)
            }
        }
    }

    /// x264's packet with its start codes replaced by length prefixes.
    private static func lengthPrefixed(_ packet: UnsafeMutablePointer<AVPacket>, lengthSize: Int) throws(FFmpegError) -> Packet {
        let units = AnnexB.units(in: UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
        let bytes = AnnexB.lengthPrefixed(units, lengthSize: lengthSize)
        let rewritten = try Packet()
        try FFmpegError.check(av_new_packet(rewritten.raw, Int32(bytes.count)))
        rewritten.raw.pointee.data.update(from: bytes, count: bytes.count)
        try FFmpegError.check(av_packet_copy_props(rewritten.raw, packet))
        return rewritten
    }
}
