import ArgumentParser
import KlingRules
import MediaKit
import Support

struct ConformCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Re-encode a clip so that Kling O1 accepts it: trim, scale, frame rate, H.264 MP4.",
        discussion: """
            With no options it applies exactly the fixes `validate` proposes for the clip. Otherwise: \
            --last keeps the end of the shot (where the next one continues from), --first its start; \
            --fit scales the picture as displayed (pixel aspect and rotation applied) so both sides \
            lie in the range, keeping its proportions; --fps converts to a constant rate. The output \
            is always square-pixel, upright H.264 (x264) with AAC 48 kHz stereo audio unless --no-audio, \
            written to a temporary file and renamed. It is then validated: exit status 1 when it \
            still does not pass (a clip too short, say).

            \(CommandHelp.sections(
                exits: [.success: "written, and it passes validate; or already valid, nothing written",
                   .invalid: "it would still not pass validate (too short, say): refused before any work, or after, with why",
                   .unusable: nil, .interrupted: "interrupted (Ctrl-C); nothing was written"],
                examples: ["kling-media conform phone.mov",
                   "kling-media conform long.mp4 --last 10 -o end.mp4",
                   "kling-media conform clip.mp4 --fit 720..1920 --fps 24 -o fixed.mov"]))
            """
    )

    @Argument(help: "The clip.") var input: String
    @Option(name: .shortAndLong, help: "The clip to write, .mp4 or .mov (default: NAME.conformed.mp4 beside the input).") var output: String?
    @OptionGroup var overwriting: OverwriteOption
    @Option(help: ArgumentHelp("Keep the last SECONDS.", valueName: "seconds")) var last: Double?
    @Option(help: ArgumentHelp("Keep the first SECONDS.", valueName: "seconds")) var first: Double?
    @Option(name: .customLong("max-duration"), help: ArgumentHelp(
        "Cut to at most SECONDS, keeping the end (the same as --last; reads better in scripts).", valueName: "seconds"))
    var maxDuration: Double?
    @Option(help: ArgumentHelp("Both displayed sides in MIN..MAX px, aspect kept.", valueName: "min..max")) var fit: SideRange?
    @Option(help: ArgumentHelp("Constant frame rate: 24, 29.97, 30000/1001…", valueName: "rate")) var fps: FrameRateArgument?
    @Flag(help: "Leave the audio out.") var noAudio = false
    @Flag(help: "Re-encode even a clip that already passes validate (with no other options, it is left alone).")
    var force = false
    @Option(help: "x264 quality, 0 (lossless) to 51; lower is better and larger.") var crf: Int = 20
    @Flag(help: "Print JSON: what was written and what changed.") var json = false

    func validate() throws {
        let trims = [last, first, maxDuration].compactMap { $0 }
        if trims.count > 1 { throw ValidationError("give one of --last, --first, --max-duration") }
        if let seconds = trims.first, !(seconds > 0) { throw ValidationError("the seconds to keep must be more than 0") }
        if !(0...51).contains(crf) { throw ValidationError("--crf must be from 0 to 51") }
        try overwriting.checkClip(output ?? Formatting.conformedName(input))
    }

    func run() async throws {
        let output = output ?? Formatting.conformedName(input)
        let info: MediaInfo
        do { info = try Probe.file(atPath: input) } catch { throw Terminal.fail(error, status: .unusable) }
        guard let video = info.primaryVideo, !info.format.isImage else {
            throw Terminal.fail(EditError.noVideo(input), status: .unusable)
        }
        let verdict = Validator().validate(ValidationRequest(video: info))
        var options = ConformOptions(fit: fit?.range, frameRate: fps?.rate, keepAudio: !noAudio)
        if let seconds = last ?? maxDuration { options.trim = .last(seconds) }
        if let first { options.trim = .first(first) }
        let proposed = last == nil && first == nil && maxDuration == nil && fit == nil && fps == nil
        if proposed {
            if verdict.isValid && !force && !verdict.wantsToneMapping { return reportNothingToDo(verdict) }
            options = ConformOptions.proposed(for: verdict.findings.map(\.problem))
            options.keepAudio = !noAudio
        }
        // What re-encoding cannot change is refused before any work: too short a clip stays too short.
        let seconds = video.duration ?? info.format.duration ?? 0
        let kept = switch options.trim {
        case .first(let wanted), .last(let wanted): min(wanted, seconds)
        case nil: seconds
        }
        let shortest = KlingO1Limits.current.videoDuration.lowerBound
        if kept < shortest {
            let what = kept < seconds ? "keeping \(Formatting.seconds(kept)) of it" : "it is \(Formatting.seconds(seconds)) long"
            throw Terminal.fail(ConformRefusal("\(input): \(what); Kling O1 needs at least \(Formatting.seconds(shortest)), "
                                               + "which re-encoding cannot make; nothing was written"), status: .invalid)
        }
        // Whatever was asked, a rate the model takes (the clip's own when it is one).
        options = options.keepingKlingRates()
        options.crf = crf
        options.replaceExisting = overwriting.overwrite
        let line = StatusLine(wanted: !json)
        let meter = EditMeter("conforming", line: line)
        let input = input, chosen = options
        let report: ConformReport
        do {
            report = try await Interruption.cancellingOnInterrupt {
                try await Conformer.conform(input, to: output, options: chosen) { meter.update(done: $0, total: $1) }
            }
        } catch let error as EditError {
            line.finish()
            throw Terminal.fail(error, status: error == .cancelled ? .interrupted : .unusable)
        }
        line.finish()
        let written = try Probe.file(atPath: output)
        let result = Validator().validate(ValidationRequest(video: written))
        if json {
            JSONOutput.print(ConformJSON(report: report, valid: result.isValid, findings: result.findings))
        } else {
            Terminal.print("\(output): \(report.width)×\(report.height), \(report.frameRate.frameRateText) fps, "
                           + "\(Formatting.seconds(report.duration))\(report.audio ? ", with audio" : ", no audio") "
                           + "(\(Formatting.fixed(meter.elapsed, places: 1)) s)")
            for change in report.changes { Terminal.print("  - \(change)") }
            Terminal.print(result.isValid ? "passes validate" : VerdictText.render(result, video: written))
        }
        if !result.isValid { throw ExitStatus.invalid.code }
    }

    /// A clip that passes as it is, with nothing asked of it: nothing is written (`--force` writes).
    private func reportNothingToDo(_ verdict: Verdict) {
        if json {
            JSONOutput.print(ConformSkipped(input: input, findings: verdict.findings))
        } else {
            Terminal.print("\(input): already valid for Kling O1, nothing written (--force re-encodes it anyway)")
        }
    }
}

/// Why conform will not start.
struct ConformRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `conform --json` for a clip left alone.
struct ConformSkipped: Encodable {
    let input: String
    let written = false
    let valid = true
    let findings: [Finding]
}

struct ConformJSON: Encodable {
    let report: ConformReport
    let valid: Bool
    let findings: [Finding]

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(valid, forKey: .valid)
        try container.encode(findings, forKey: .findings)
    }

    enum Keys: String, CodingKey { case valid, findings }
}

/// `--fit 720..2160`.
struct SideRange: ExpressibleByArgument {
    let range: ClosedRange<Int>

    init?(argument: String) {
        let parts = argument.split(separator: ".", omittingEmptySubsequences: true)
        guard argument.contains(".."), parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]),
              low >= 2, low <= high else { return nil }
        range = low...high
    }
}

/// `--fps 24`, `29.97`, `30000/1001`.
struct FrameRateArgument: ExpressibleByArgument {
    let rate: Rational

    init?(argument: String) {
        guard let rate = Rational.frameRate(parsing: argument) else { return nil }
        self.rate = rate
    }
}
