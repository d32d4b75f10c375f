import SystemPackage
internal import CFFmpeg

/// Reads a media file's facts in-process with libavformat and libavcodec, as ffprobe would.
public enum Probe {
    /// Probes the file at `path`: container, streams, display geometry, frame timing.
    ///
    /// Synchronous and quick (a few milliseconds for MP4/MOV: the header, the index and the first
    /// packets), so a caller walking a thousand files holds one file's facts at a time.
    public static func file(atPath path: String) throws(ProbeError) -> MediaInfo {
        try open(atPath: path).info
    }

    /// The facts and the still-open file, for callers that go on to read it (`FrameGrab`), so the
    /// file is opened and analysed once.
    static func open(atPath path: String) throws(ProbeError) -> (file: MediaFile, info: MediaInfo) {
        let size = try regularFileSize(atPath: path)
        let file: MediaFile
        do {
            file = try MediaFile(path: path)
            try file.findStreamInfo()
        } catch {
            throw explain(error, path: path)
        }
        // The index is read once per stream: frame timing and the truncation check both use it.
        let indexes = file.streams.map { file.indexEntries(of: $0) }
        let streams = zip(file.streams, indexes).map { streamInfo(of: $0, index: $1, in: file) }
        let format = FormatInfo(
            filename: path,
            formatName: file.formatName,
            formatLongName: file.formatLongName,
            streamCount: streams.count,
            duration: file.duration,
            startTime: file.startTime,
            size: size,
            bitRate: file.bitRate,
            // A packet indexed past the end of the file: the tail of a download or copy is missing.
            // MP4/MOV index every packet in the header, so this costs no reads.
            truncated: indexes.joined().contains { $0.position + $0.size > size } ? true : nil,
            // HEIF photos come through the MP4 demuxer only: other files are not read again for it.
            imageContainer: file.formatName.split(separator: ",").contains("mov") ? FormatSniffer.heifImage(ofFileAt: path) : nil
        )
        var described = format
        let tags = file.tags
        described.tags = tags.isEmpty ? nil : tags
        return (file, MediaInfo(format: described, streams: streams, tileGrid: file.tileGrid))
    }

    /// Refuses, with a clear reason, whatever is not a non-empty regular file, before FFmpeg sees it.
    private static func regularFileSize(atPath path: String) throws(ProbeError) -> Int64 {
        let status: Stat
        do { status = try FilePath(path).stat() } catch {
            if error == .noSuchFileOrDirectory || error == .notDirectory { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: "\(error)")
        }
        switch status.type {
        case .directory: throw .isDirectory(path: path)
        case .regular: break
        default: throw .notRegularFile(path: path)
        }
        if status.size == 0 { throw .empty(path: path) }
        // Opened as FFmpeg will open it: a file we may not read says so here, plainly.
        do { try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]).close() } catch {
            throw .unreadable(path: path, reason: "\((error as? Errno) ?? .permissionDenied)")
        }
        return status.size
    }

    /// Turns FFmpeg's failure to open a file into what the user needs to know: is it media at all?
    private static func explain(_ error: FFmpegError, path: String) -> ProbeError {
        if error == .permissionDenied { return .unreadable(path: path, reason: "permission denied") }
        if error == .noSuchFile { return .notFound(path: path) }
        if let kind = FormatSniffer.heifImage(ofFileAt: path) { return .unreadableImage(path: path, kind: kind) }
        guard let format = FormatSniffer.recognisedFormat(ofFileAt: path) else {
            return .notMedia(path: path)
        }
        return .damaged(path: path, format: format, reason: error.description)
    }

    private static func streamInfo(of stream: UnsafeMutablePointer<AVStream>, index entries: [IndexEntry],
                                   in file: MediaFile) -> StreamInfo {
        var info = StreamInfo(index: Int(stream.pointee.index), codecType: .unknown)
        let timeBase = stream.pointee.time_base
        info.timeBase = Rational(Int(timeBase.num), Int(timeBase.den))
        if stream.pointee.duration != CFFmpeg_AV_NOPTS_VALUE(), let seconds = av_q2d(timeBase).nonZero {
            info.duration = Double(stream.pointee.duration) * seconds
        }
        info.frameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        info.isAttachedPicture = stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
        if stream.pointee.start_time != CFFmpeg_AV_NOPTS_VALUE() {
            info.startTime = Double(stream.pointee.start_time) * av_q2d(timeBase)
        }
        let tags = file.tags(of: stream)
        info.tags = tags.isEmpty ? nil : tags
        info.disposition = disposition(stream.pointee.disposition)
        info.nominalFrameRate = Rational(Int(stream.pointee.r_frame_rate.num), Int(stream.pointee.r_frame_rate.den))
        info.averageFrameRate = Rational(Int(stream.pointee.avg_frame_rate.num), Int(stream.pointee.avg_frame_rate.den))
        guard let parameters = stream.pointee.codecpar?.pointee else { return info }

        info.codecType = MediaKind(parameters.codec_type)
        info.codecName = String(cString: avcodec_get_name(parameters.codec_id))
        info.codecLongName = avcodec_descriptor_get(parameters.codec_id).map { String(cString: $0.pointee.long_name) }
        info.profile = profileName(codec: parameters.codec_id, profile: parameters.profile)
        info.bitRate = parameters.bit_rate > 0 ? parameters.bit_rate : nil

        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO:
            describeVideo(stream, parameters: parameters, index: entries, in: file, into: &info)
        case AVMEDIA_TYPE_AUDIO:
            describeAudio(parameters, into: &info)
        default:
            break
        }
        return info
    }

    private static func describeVideo(_ stream: UnsafeMutablePointer<AVStream>, parameters: AVCodecParameters,
                                      index entries: [IndexEntry],
                                      in file: MediaFile, into info: inout StreamInfo) {
        let width = Int(parameters.width)
        let height = Int(parameters.height)
        info.width = width
        info.height = height
        // ffprobe reports the coded size from an opened decoder; so do we.
        if let decoder = try? DecoderContext(for: stream, threads: 1) {
            info.codedWidth = Int(decoder.context.pointee.coded_width)
            info.codedHeight = Int(decoder.context.pointee.coded_height)
        }
        let pixelFormat = AVPixelFormat(rawValue: parameters.format)
        if let descriptor = av_pix_fmt_desc_get(pixelFormat) {
            info.pixelFormat = String(cString: descriptor.pointee.name)
            info.bitDepth = Int(descriptor.pointee.comp.0.depth)
        }
        // Named as ffprobe names them; left out where the stream does not say, as ffprobe's JSON does.
        func named(_ name: UnsafePointer<CChar>?, unless unspecified: Bool) -> String? {
            unspecified ? nil : name.map { String(cString: $0) }
        }
        info.colorRange = named(av_color_range_name(parameters.color_range), unless: parameters.color_range == AVCOL_RANGE_UNSPECIFIED)
        info.colorSpace = named(av_color_space_name(parameters.color_space), unless: parameters.color_space == AVCOL_SPC_UNSPECIFIED)
        info.colorTransfer = named(av_color_transfer_name(parameters.color_trc), unless: parameters.color_trc == AVCOL_TRC_UNSPECIFIED)
        info.colorPrimaries = named(av_color_primaries_name(parameters.color_primaries),
                                    unless: parameters.color_primaries == AVCOL_PRI_UNSPECIFIED)
        info.sampleAspectRatio = file.sampleAspectRatio(of: stream)
        if let sar = info.sampleAspectRatio, width > 0, height > 0 {
            // As ffprobe reduces it (av_reduce, terms up to 1024²), so the two print the same.
            var num: Int32 = 0, den: Int32 = 0
            av_reduce(&num, &den, Int64(width * sar.width), Int64(height * sar.height), 1024 * 1024)
            info.storedAspectRatio = AspectRatio(Int(num), Int(den))
        }
        if let matrix = file.displayMatrix(of: stream) {
            info.sideDataList = [.displayMatrix(matrix.values, counterClockwise: matrix.counterClockwise)]
        }
        info.rotation = file.rotation(of: stream) ?? 0
        if width > 0, height > 0 {
            let display = DisplaySize(storedWidth: width, storedHeight: height,
                                      sampleAspect: info.sampleAspectRatio, rotation: info.rotation)
            info.displayWidth = display.width
            info.displayHeight = display.height
            info.displayAspectRatio = display.aspect
        }
        guard !info.isAttachedPicture, !file.isImageSequenceOrStill else { return }
        if let frames = info.frameCount, entries.count == frames {
            info.isVariableFrameRate = FrameTiming.isVariable(timestamps: entries.map(\.timestamp))
        } else {
            info.isVariableFrameRate = FrameTiming.isVariable(nominal: info.nominalFrameRate,
                                                              average: info.averageFrameRate)
        }
    }

    /// Every disposition flag this FFmpeg names, set or not, as ffprobe prints them.
    private static func disposition(_ flags: Int32) -> [String: Int] {
        var named: [String: Int] = [:]
        for bit in 0..<31 {
            guard let name = av_disposition_to_string(Int32(1) << Int32(bit)) else { continue }
            named[String(cString: name)] = flags & (Int32(1) << Int32(bit)) != 0 ? 1 : 0
        }
        return named
    }

    private static func describeAudio(_ parameters: AVCodecParameters, into info: inout StreamInfo) {
        info.sampleRate = parameters.sample_rate > 0 ? Int(parameters.sample_rate) : nil
        info.channels = parameters.ch_layout.nb_channels > 0 ? Int(parameters.ch_layout.nb_channels) : nil
        if let name = av_get_sample_fmt_name(AVSampleFormat(rawValue: parameters.format)) {
            info.sampleFormat = String(cString: name)
        }
        if parameters.ch_layout.order != AV_CHANNEL_ORDER_UNSPEC {
            var layout = parameters.ch_layout
            var buffer = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&layout, &buffer, buffer.count) > 0 {
                info.channelLayout = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                            as: UTF8.self)
            }
        }
    }

    /// FFmpeg's name for a codec profile ("High", "LC"); the number where FFmpeg has no name.
    private static func profileName(codec: AVCodecID, profile: Int32) -> String? {
        if let name = avcodec_profile_name(codec, profile) { return String(cString: name) }
        return profile == CFFmpeg_PROFILE_UNKNOWN() ? nil : String(profile)
    }
}

extension MediaKind {
    init(_ type: AVMediaType) {
        switch type {
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_AUDIO: self = .audio
        case AVMEDIA_TYPE_SUBTITLE: self = .subtitle
        case AVMEDIA_TYPE_DATA: self = .data
        case AVMEDIA_TYPE_ATTACHMENT: self = .attachment
        default: self = .unknown
        }
    }
}

private extension Double {
    var nonZero: Double? { self == 0 ? nil : self }
}
