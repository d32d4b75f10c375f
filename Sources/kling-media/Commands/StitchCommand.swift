import ArgumentParser
import MediaKit
import Support

struct StitchCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "stitch",
        abstract: "Join clips in order into one MP4: stream copy when they are alike, otherwise normalised.",
        discussion: """
            When every clip has the same streams (codec and its settings, size, pixel aspect, pixel \
            format, time base, sound format) the packets are copied: no re-encoding, near disk speed. \
            Otherwise every clip is brought to the target's size (fitted and padded, never stretched), \
            square pixels, upright, its frame rate (frames repeated or dropped on the output clock) \
            and AAC 48 kHz stereo, with silence for a clip without sound. A clip that already matches \
            the target (a generated continuation, typically) is passed through: its packets are copied \
            untouched and only the others are re-encoded, so the paid-for shot loses nothing.

            Each joint is then looked at: OUT.seams.png beside the output shows the last 3 frames \
            before it and the first 3 after it, as displayed and labelled with their times, one row \
            per joint; and each joint gets two scores: SSIM of the luma of the frames either side \
            (as FFmpeg's ssim filter counts it: 1 is the same picture) and the shift of their mean \
            colour (CIELAB ΔE: under 2 is hard to see, over 10 a jump). --no-seams skips both.

            The target is the last clip's picture unless --target says otherwise. The output is \
            written to a temporary file and renamed; the inputs are never touched.

            --crossfade S fades each clip into the next over S seconds, picture and sound (the \
            output is S shorter at each joint). Only the frames around a joint are re-encoded for \
            it: a clip that matches the target keeps its packets from its first keyframe after the \
            fade to its last keyframe before the next one.

            \(CommandHelp.sections(
                exits: [.success: nil, .unusable: nil, .interrupted: "interrupted (Ctrl-C); nothing was written"],
                examples: ["kling-media stitch a.mp4 b.mp4 -o ab.mp4",
                   "kling-media stitch a.mp4 b.mp4 c.mp4 --crossfade 0.5 -o abc.mov",
                   "kling-media stitch a.mp4 b.mp4 --target 1920x1080@24 -o ab.mp4 --overwrite"]))
            """
    )

    @Argument(help: "The clips, in order.") var clips: [String]
    @Option(name: .shortAndLong, help: "The clip to write: .mp4 (MP4) or .mov (QuickTime).") var output: String
    @OptionGroup var overwriting: OverwriteOption
    @Option(help: ArgumentHelp("The output's picture: first, last, or WxH@FPS (e.g. 1920x1080@24).", valueName: "target"))
    var target: StitchTargetArgument = .init(.last)
    @Option(help: ArgumentHelp("Fade each clip into the next over SECONDS, picture and sound (default: 0, a cut).", valueName: "seconds"))
    var crossfade: Double?
    @Flag(help: "Re-encode even when the clips could be stream-copied.") var noCopy = false
    @Flag(help: "Re-encode even the clips that already match the target.") var noPassthrough = false
    @Option(help: "x264 quality for re-encoded clips, 0 to 51; lower is better and larger.") var crf: Int = 18
    @Flag(help: "Write no seam sheet (OUT.seams.png) and no joint scores.") var noSeams = false
    @Flag(help: "Print JSON: the output and, per clip, what was done and why; the joints' scores.") var json = false

    func validate() throws {
        if clips.isEmpty { throw ValidationError("give the clips to stitch") }
        if !(0...51).contains(crf) { throw ValidationError("--crf must be from 0 to 51") }
        if let crossfade, !(crossfade >= 0 && crossfade <= 60) { throw ValidationError("--crossfade must be from 0 to 60 seconds") }
        try overwriting.checkClip(output)
    }

    func run() async throws {
        var options = StitchOptions(target: target.target)
        options.allowCopy = !noCopy
        options.allowPassthrough = !noPassthrough
        options.crf = crf
        options.crossfade = crossfade ?? 0
        options.replaceExisting = overwriting.overwrite
        let line = StatusLine(wanted: !json)
        let meter = EditMeter("stitching", line: line)
        let clips = clips, output = output, chosen = options
        let report: StitchReport
        do {
            report = try await Interruption.cancellingOnInterrupt {
                try await Stitcher.stitch(clips, to: output, options: chosen) { meter.update(done: $0, total: $1) }
            }
        } catch let error as EditError {
            line.finish()
            throw Terminal.fail(error, status: error == .cancelled ? .interrupted : .unusable)
        }
        line.finish()
        var seams: SeamReport?
        var seamsFailure: String?
        if !noSeams, clips.count > 1 {
            do { seams = try await SeamReview.review(output, joints: report.seamSpans, sheet: SeamReview.sheetPath(for: output)) } catch {
                seamsFailure = error.description
            }
        }
        if let seamsFailure { Terminal.printError("warning: no seam sheet: \(seamsFailure)") }
        if json {
            JSONOutput.print(ExtendedDocument(base: report, key: "seams", extra: seams))
            return
        }
        let rate = report.frameRate.map { ", \($0.frameRateText) fps" } ?? ""
        let method = report.method == .streamCopy ? "stream copy" : "normalised (\(report.reason))"
        let fade = report.crossfade.map { made in
            // A fade lasts whole frames: say so when that is not what was asked.
            let asked = crossfade ?? 0
            let rounding = abs(made - asked) > 0.000_5
                ? " (\(Formatting.seconds(asked)) asked, rounded to whole frames\(rate.isEmpty ? "" : " at" + rate.dropFirst()))" : ""
            return "; \(Formatting.seconds(made)) cross-fades\(rounding)"
        } ?? ""
        Terminal.print("\(output): \(report.width)×\(report.height)\(rate), \(Formatting.seconds(report.duration))"
                       + "\(report.audio ? ", with audio" : ", no audio"); \(method)\(fade); \(Formatting.fixed(meter.elapsed, places: 1)) s")
        for clip in report.clips {
            // A re-encoded clip's reason says so itself ("re-encoded: it is 1280×720, not 1920×1080").
            let action = switch clip.action {
            case .copied: "copied"
            case .passedThrough: "passed through: \(clip.reason)"
            case .reencoded: clip.reason
            }
            Terminal.print("  \(Formatting.fixed(clip.start, places: 2)) s  \(clip.path): \(action)")
        }
        if let seams { SeamText.lines(seams).forEach { Terminal.print($0) } }
    }
}

/// `--target first|last|WxH@FPS`.
struct StitchTargetArgument: ExpressibleByArgument {
    let target: StitchTarget

    var defaultValueDescription: String {
        switch target {
        case .first: "first"
        case .last: "last"
        case .custom(let size, let rate): "\(size.width)x\(size.height)@\(rate.frameRateText)"
        }
    }

    init(_ target: StitchTarget) { self.target = target }

    init?(argument: String) {
        switch argument {
        case "first": target = .first
        case "last": target = .last
        default:
            let halves = argument.split(separator: "@")
            let sides = halves.first?.split(separator: "x") ?? []
            guard halves.count == 2, sides.count == 2, let width = Int(sides[0]), let height = Int(sides[1]),
                  width >= 16, height >= 16, width % 2 == 0, height % 2 == 0,
                  let rate = Rational.frameRate(parsing: String(halves[1])) else { return nil }
            target = .custom(PixelSize(width: width, height: height), rate)
        }
    }
}
