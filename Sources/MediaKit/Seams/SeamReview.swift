import Support
internal import CFFmpeg

/// Where one clip gives way to the next in a stitched result: the earlier clip's own frames end
/// at `before`, the later clip's begin at `after` (the same time at a cut; a cross-fade lies between).
public struct SeamSpan: Sendable, Equatable {
    public let before: Double
    public let after: Double

    public init(before: Double, after: Double) {
        self.before = before
        self.after = after
    }
}

/// What the joints of a stitched result look like: the frames either side of each, scored.
public struct SeamReport: Sendable, Equatable, Codable {
    public struct Joint: Sendable, Equatable, Codable {
        /// Where the later clip begins in the result, seconds.
        public let time: Double
        /// The times of the last frames before the joint and the first after it (up to 3 each).
        public let before: [Double]
        public let after: [Double]
        /// Luma SSIM of the frame just before and the frame just after (as FFmpeg's `ssim` filter counts it).
        public let ssim: Double
        /// CIE 1976 ΔE between the two frames' mean colours (CIELAB).
        public let deltaE: Double

        enum CodingKeys: String, CodingKey { case time, before, after, ssim, deltaE = "delta_e" }
    }

    /// The seam sheet written, when one was.
    public let sheet: String?
    public let joints: [Joint]
}

public enum SeamReviewError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, FFmpegError)
    case noFrames(String, at: Double)
    case unwritable(String, String)
    case cancelled

    public var description: String {
        switch self {
        case .unreadable(let path, let error): return "\(path): cannot decode it to look at its joints (FFmpeg: \(error))"
        case .noFrames(let path, let time): return "\(path): no frames either side of the joint at \(Formatting.seconds(time))"
        case .unwritable(let path, let reason): return "\(path): cannot write the seam sheet (\(reason))"
        case .cancelled: return "interrupted while looking at the joints"
        }
    }
}

/// Looks at a stitched result's joints: for each, the last 3 frames before it and the first 3
/// after, as displayed (pixel aspect and rotation applied), scored (luma SSIM and colour shift of
/// the two frames either side), and drawn as one row of a PNG sheet, each frame labelled with its time.
public enum SeamReview {
    /// `sheet`: where to write the PNG (replacing a file there: it describes this result); nil for scores only.
    public static func review(_ path: String, joints: [SeamSpan], sheet: String?) async throws(SeamReviewError) -> SeamReport {
        try await MediaThreads.run { () throws(SeamReviewError) in try reviewHere(path, joints: joints, sheet: sheet) }
    }

    static func reviewHere(_ path: String, joints: [SeamSpan], sheet: String?) throws(SeamReviewError) -> SeamReport {
        var rows: [(before: [SeamSheet.Tile], after: [SeamSheet.Tile])] = []
        var scored: [SeamReport.Joint] = []
        let file = try catchingFFmpeg({ SeamReviewError.unreadable(path, $0) }) { () throws -> MediaFile in
            let file = try MediaFile(path: path)
            try file.findStreamInfo()
            return file
        }
        for joint in joints {
            if Task.isCancelled { throw .cancelled }
            let frames = try JointFrames(file: file, path: path, joint: joint)
            let last = frames.before[frames.before.count - 1], first = frames.after[0]
            let ssim = try catchingFFmpeg({ SeamReviewError.unreadable(path, $0) }) {
                StructuralSimilarity.of(try JointFrames.luma(of: last.frame), try JointFrames.luma(of: first.frame))
            }
            let shift = ColourShift.deltaE(last.thumbnail, first.thumbnail)
            scored.append(SeamReport.Joint(time: joint.after, before: frames.before.map(\.seconds), after: frames.after.map(\.seconds),
                                           ssim: (ssim * 10_000).rounded() / 10_000, deltaE: (shift * 100).rounded() / 100))
            rows.append((frames.before.map { ($0.thumbnail, $0.seconds) }, frames.after.map { ($0.thumbnail, $0.seconds) }))
        }
        if let sheet, !rows.isEmpty {
            let picture = SeamSheet.draw(rows)
            do { try PictureFile.write(picture, to: sheet, format: .png, replacing: true) } catch {
                throw .unwritable(sheet, error.description)
            }
        }
        return SeamReport(sheet: rows.isEmpty ? nil : sheet, joints: scored)
    }
}

/// The frames around one joint, decoded properly (they are shown and measured).
struct JointFrames {
    struct Taken {
        let seconds: Double
        /// The decoded frame (a reference to it): its luma is measured for the two either side.
        let frame: Frame
        /// As displayed, about 240 pixels wide.
        let thumbnail: RGBPicture
    }

    static let thumbnailWidth = 240
    let before: [Taken]
    let after: [Taken]

    /// The video of `file` (opened once for all joints), decoded from the keyframe before the joint.
    init(file: MediaFile, path: String, joint: SeamSpan) throws(SeamReviewError) {
        (before, after) = try catchingFFmpeg({ SeamReviewError.unreadable(path, $0) }) {
            guard let stream = file.streams.first(where: { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO }) else {
                throw SeamReviewError.noFrames(path, at: joint.after)
            }
            let sampleAspect = stream.pointee.codecpar.pointee.sample_aspect_ratio
            let rotation = file.rotation(of: stream) ?? 0
            let decoder = try StreamDecoder(file: file, streamIndex: Int(stream.pointee.index), from: max(0, joint.before - 0.5))
            let rate = av_q2d(stream.pointee.avg_frame_rate)
            let halfFrame = 0.5 / (rate.isFinite && rate > 0 ? rate : 24)
            var earlier: [Taken] = [], later: [Taken] = []
            while later.count < 3, let (frame, seconds) = try decoder.next() {
                let isBefore = seconds < joint.before - halfFrame
                guard isBefore || seconds >= joint.after - halfFrame else { continue }
                let taken = try Self.take(frame, seconds: seconds, sampleAspect: sampleAspect, rotation: rotation)
                if isBefore {
                    earlier.append(taken)
                    if earlier.count > 3 { earlier.removeFirst() }
                } else {
                    later.append(taken)
                }
            }
            guard !earlier.isEmpty, !later.isEmpty else { throw SeamReviewError.noFrames(path, at: joint.after) }
            return (earlier, later)
        }
    }

    private static func take(_ frame: Frame, seconds: Double, sampleAspect: AVRational, rotation: Int) throws(FFmpegError) -> Taken {
        let raw = frame.raw.pointee
        let aspect = sampleAspect.num > 0 && sampleAspect.den > 0 ? AspectRatio(Int(sampleAspect.num), Int(sampleAspect.den)) : nil
        let display = DisplaySize(storedWidth: Int(raw.width), storedHeight: Int(raw.height), sampleAspect: aspect, rotation: nil)
        // The thumbnail: the displayed proportions at about 240 pixels across once turned.
        let across = Double(rotation % 180 != 0 ? display.height : display.width)
        let scale = Double(thumbnailWidth) / across
        let thumbnail = try RGBPicture(frame, width: PictureFitter.even(Double(display.width) * scale),
                                       height: PictureFitter.even(Double(display.height) * scale)).rotated(clockwise: rotation)
        // The decoder reuses its frame: keep a reference of our own.
        let kept = try Frame()
        try FFmpegError.check(av_frame_ref(kept.raw, frame.raw))
        return Taken(seconds: seconds, frame: kept, thumbnail: thumbnail)
    }

    /// Plane 0 of a YUV picture as it is (what FFmpeg's ssim filter compares); RGB pictures made grey.
    static func luma(of frame: Frame) throws(FFmpegError) -> StructuralSimilarity.Plane {
        let raw = frame.raw.pointee
        let width = Int(raw.width), height = Int(raw.height)
        if let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: raw.format)),
           descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0, descriptor.pointee.comp.0.depth == 8,
           descriptor.pointee.comp.0.step == 1 {
            let (base, stride) = frame.plane(0)
            return StructuralSimilarity.Plane(bytes: Array(UnsafeBufferPointer(start: base, count: stride * (height - 1) + width)),
                                              width: width, height: height, stride: stride)
        }
        let rgb = try RGBPicture(frame, width: width, height: height)
        var grey = [UInt8](repeating: 0, count: width * height)
        for index in 0..<(width * height) {
            let value = 0.299 * Double(rgb.pixels[index * 3]) + 0.587 * Double(rgb.pixels[index * 3 + 1]) + 0.114 * Double(rgb.pixels[index * 3 + 2])
            grey[index] = UInt8(min(255, value.rounded()))
        }
        return StructuralSimilarity.Plane(bytes: grey, width: width, height: height, stride: width)
    }
}

/// The seam sheet: one row per joint, the frames before it, a red bar, the frames after, each
/// with its time under it, on a dark ground.
enum SeamSheet {
    typealias Tile = (picture: RGBPicture, seconds: Double)
    static let margin = 8, labelScale = 2, bar = 6

    static func draw(_ rows: [(before: [Tile], after: [Tile])]) -> RGBPicture {
        let labelHeight = 7 * labelScale + 2 * margin
        let rowHeights = rows.map { (($0.before + $0.after).map(\.picture.height).max() ?? 0) + labelHeight }
        let rowWidths = rows.map { ($0.before + $0.after).reduce(0) { $0 + $1.picture.width + margin } + bar + margin }
        let width = (rowWidths.max() ?? 0) + margin, height = rowHeights.reduce(margin, +)
        var pixels = [UInt8](repeating: 32, count: width * height * 3)
        var top = margin
        for (row, rowHeight) in zip(rows, rowHeights) {
            var left = margin
            for tile in row.before { place(tile, into: &pixels, width: width, left: &left, top: top) }
            fill(&pixels, width: width, left: left, top: top, barWidth: bar, height: rowHeight - margin, colour: (220, 40, 40))
            left += bar + margin
            for tile in row.after { place(tile, into: &pixels, width: width, left: &left, top: top) }
            top += rowHeight
        }
        return RGBPicture(width: width, height: height, pixels: pixels)
    }

    /// The picture at (`left`, `top`), its time under it; `left` moves past it.
    private static func place(_ tile: Tile, into pixels: inout [UInt8], width: Int, left: inout Int, top: Int) {
        for y in 0..<tile.picture.height {
            let from = y * tile.picture.width * 3, to = ((top + y) * width + left) * 3
            pixels.replaceSubrange(to..<(to + tile.picture.width * 3), with: tile.picture.pixels[from..<(from + tile.picture.width * 3)])
        }
        BitmapFont.draw(Formatting.seconds(tile.seconds), into: &pixels, pictureWidth: width, left: left,
                        top: top + tile.picture.height + margin / 2, scale: labelScale, colour: (230, 230, 230))
        left += tile.picture.width + margin
    }

    private static func fill(_ pixels: inout [UInt8], width: Int, left: Int, top: Int, barWidth: Int, height: Int,
                             colour: (UInt8, UInt8, UInt8)) {
        for y in top..<(top + height) {
            for x in left..<(left + barWidth) {
                let at = (y * width + x) * 3
                pixels[at] = colour.0
                pixels[at + 1] = colour.1
                pixels[at + 2] = colour.2
            }
        }
    }
}

extension SeamReview {
    /// `RESULT.seams.png` beside `RESULT.mp4`; a result of another kind keeps its extension in the
    /// sheet's name (`RESULT.mov.seams.png`), so that a `.mov` and an `.mp4` of one name in one
    /// folder do not write over each other's sheet.
    public static func sheetPath(for output: String) -> String {
        let url = URL(fileURLWithPath: output)
        guard url.pathExtension.lowercased() == "mp4" else { return output + ".seams.png" }
        return url.deletingPathExtension().path + ".seams.png"
    }
}

extension StitchReport {
    /// Where each clip after the first meets the one before in the output: at its start, or
    /// across the cross-fade that begins there.
    public var seamSpans: [SeamSpan] {
        clips.dropFirst().map { SeamSpan(before: $0.start, after: $0.start + (crossfade ?? 0)) }
    }
}
