import Support
internal import CFFmpeg

/// Which frame of a clip to take.
public enum FramePosition: Sendable, Equatable {
    case first
    case last
    /// The frame shown at this time (the last one starting at or before it).
    case seconds(Double)
}

/// One frame of a clip saved as a PNG or a JPEG (the output's extension decides), as a viewer sees
/// it: scaled by the sample aspect ratio and turned by the display matrix (decoding does neither).
/// Useful as a reference image for continuity.
public enum FrameGrab {
    /// What was written.
    public struct Result: Sendable, Equatable {
        public let width: Int
        public let height: Int
        /// The frame's time in the clip, seconds.
        public let seconds: Double
    }

    /// Unless `replacing`, a file already at `output` is kept and `.outputExists` thrown (before any decoding).
    public static func write(from input: String, at position: FramePosition, to output: String,
                             replacing: Bool = false) throws(FrameGrabError) -> Result {
        guard let format = PictureFormat(forOutput: output) else { throw .unsupportedFormat(output) }
        if !replacing, SystemCalls.exists(output) { throw .outputExists(output) }
        let (picture, seconds) = try displayedPicture(of: input, at: position)
        try PictureFile.write(picture, to: output, format: format, replacing: replacing)
        return Result(width: picture.width, height: picture.height, seconds: seconds)
    }

    /// `write`, queued with MediaKit's other media work (`MediaThreads`) instead of blocking the
    /// caller's thread: a decode from the last keyframe of a long clip holds a core for a while.
    public static func write(from input: String, at position: FramePosition, to output: String,
                             replacing: Bool = false) async throws(FrameGrabError) -> Result {
        try await MediaThreads.run { () throws(FrameGrabError) in try write(from: input, at: position, to: output, replacing: replacing) }
    }

    /// The frame at `position` as a viewer sees it, and its time in the clip.
    static func displayedPicture(of input: String, at position: FramePosition) throws(FrameGrabError) -> (RGBPicture, Double) {
        let file: MediaFile
        let info: MediaInfo
        do { (file, info) = try Probe.open(atPath: input) } catch { throw .unreadable(error) }
        guard let videoInfo = info.primaryVideo else { throw .noVideo(input) }
        let duration = videoInfo.duration ?? info.format.duration
        if case .seconds(let asked) = position, let duration, asked > duration {
            throw .pastTheEnd(input, asked: asked, duration: duration)
        }
        return try catchingFFmpeg({ FrameGrabError.failed(input, $0) }) {
            guard let stream = file.streams.first(where: { Int($0.pointee.index) == videoInfo.index }) else { throw FrameGrabError.noVideo(input) }
            // A tiled photo is one picture made of many streams: made whole, whatever the position.
            let (frame, seconds) = try info.tileGrid.map { (try TileGridPicture.decode($0, from: file), 0) }
                ?? decode(position, from: file, stream: stream, duration: info.format.duration ?? 0)
            let display = DisplaySize(storedWidth: Int(frame.raw.pointee.width), storedHeight: Int(frame.raw.pointee.height),
                                      sampleAspect: videoInfo.sampleAspectRatio, rotation: nil)
            // Scale to the displayed proportions first (even sizes, as most codecs want), then turn.
            let scaled = try RGBPicture(frame, width: display.width, height: display.height)
            return (scaled.rotated(clockwise: videoInfo.rotation ?? 0), seconds)
        }
    }

    /// Decodes up to the wanted frame. For `last`, from the keyframe before the final second, so
    /// only that stretch is decoded; the decoder is drained so the very last frame comes out.
    private static func decode(_ position: FramePosition, from file: MediaFile, stream: UnsafeMutablePointer<AVStream>,
                               duration: Double) throws -> (Frame, Double) {
        let decoder = try DecoderContext(for: stream)
        let target: Double?
        switch position {
        case .first: target = nil
        case .last:
            target = .infinity
            if duration > 1 { try file.seek(stream, toSeconds: duration - 1) }
        case .seconds(let seconds):
            target = seconds
            if seconds > 0 { try file.seek(stream, toSeconds: seconds) }
        }
        let packet = try Packet()
        let frame = try Frame()
        var kept: Frame?
        var keptSeconds = 0.0
        let timeBase = av_q2d(stream.pointee.time_base)
        var reading = true
        while true {
            if reading {
                reading = try file.readPacket(into: packet)
                if reading && packet.raw.pointee.stream_index != stream.pointee.index { continue }
                try decoder.send(reading ? packet.raw : nil)
            }
            // Every frame the decoder has ready; then more input (or, drained, the end).
            while try decoder.receive(into: frame) == .frame {
                let pts = frame.raw.pointee.best_effort_timestamp
                let seconds = pts == CFFmpeg_AV_NOPTS_VALUE() ? keptSeconds : Double(pts) * timeBase
                guard let target else { return (frame, seconds) }
                if seconds > target + 0.000_1, let kept { return (kept, keptSeconds) }
                let copy = try Frame()
                try FFmpegError.check(av_frame_ref(copy.raw, frame.raw))
                kept = copy
                keptSeconds = seconds
                av_frame_unref(frame.raw)
            }
            if !reading {
                guard let kept else { throw FrameGrabError.noFrame }
                return (kept, keptSeconds)
            }
        }
    }
}

public enum FrameGrabError: Error, Equatable, CustomStringConvertible {
    case unreadable(ProbeError)
    case noVideo(String)
    case noFrame
    case failed(String, FFmpegError)
    case unwritable(String, String)
    /// A time after the clip's end.
    case pastTheEnd(String, asked: Double, duration: Double)
    /// A file is at the output and replacing it was not asked for.
    case outputExists(String)
    /// The output's extension names no picture format written here.
    case unsupportedFormat(String)

    public var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .noVideo(let path): return "\(path): has no video stream to take a frame from"
        case .noFrame: return "no frame could be decoded there"
        case .failed(let path, let error): return "\(path): decoding failed (FFmpeg: \(error))"
        case .unwritable(let path, let reason): return "\(path): cannot write the picture (\(reason))"
        case .pastTheEnd(let path, let asked, let duration):
            return "\(path): is \(Formatting.seconds(duration)) long; there is no frame at \(Formatting.seconds(asked))"
        case .outputExists(let path): return "\(path): already exists; it was left as it was"
        case .unsupportedFormat(let path): return "\(path): the output's extension decides its format: \(PictureFormat.choices)"
        }
    }
}
