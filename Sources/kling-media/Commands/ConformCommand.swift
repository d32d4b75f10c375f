import ArgumentParser
import KlingRules
import MediaKit
import Support

struct ConformCommand: AsyncParsableCommand {
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

            \(ExitStatus.summary)
            """
    )

    @Argument(help: "The clip.") var input: String
    @Option(name: .shortAndLong, help: "The MP4 to write (default: NAME.conformed.mp4 beside the input).") var output: String?
    @Option(help: ArgumentHelp("Keep the last SECONDS.", valueName: "seconds")) var last: Double?
    @Option(help: ArgumentHelp("Keep the first SECONDS.", valueName: "seconds")) var first: Double?
    @Option(name: .customLong("max-duration"), help: ArgumentHelp(
        "Cut to at most SECONDS, keeping the end (the same as --last; reads better in scripts).", valueName: "seconds"))
    var maxDuration: Double?
    @Option(help: ArgumentHelp("Both displayed sides in MIN..MAX px, aspect kept.", valueName: "min..max")) var fit: SideRange?
    @Option(help: ArgumentHelp("Constant frame rate: 24, 29.97, 30000/1001…", valueName: "rate")) var fps: FrameRateArgument?
    @Flag(help: "Leave the audio out.") var noAudio = false
    @Option(help: "x264 quality, 0 (lossless) to 51; lower is better and larger.") var crf: Int = 20
    @Flag(help: "Print JSON: what was written and what changed.") var json = false

    func validate() throws {
        let trims = [last, first, maxDuration].compactMap { $0 }
        if trims.count > 1 { throw ValidationError("give one of --last, --first, --max-duration") }
        if let seconds = trims.first, !(seconds > 0) { throw ValidationError("the seconds to keep must be more than 0") }
        if !(0...51).contains(crf) { throw ValidationError("--crf must be from 0 to 51") }
    }

    func run() async throws {
        let output = output ?? Formatting.conformedName(input)
        var options = ConformOptions(fit: fit?.range, frameRate: fps?.rate, keepAudio: !noAudio)
        if let seconds = last ?? maxDuration { options.trim = .last(seconds) }
        if let first { options.trim = .first(first) }
        let proposed = last == nil && first == nil && maxDuration == nil && fit == nil && fps == nil
        if proposed {
            options = try proposedOptions(keepAudio: !noAudio)
        }
        // Whatever was asked, a rate the model takes (the clip's own when it is one).
        options = options.keepingKlingRates()
        options.crf = crf
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
        let verdict = Validator().validate(ValidationRequest(video: try Probe.file(atPath: output)))
        if json {
            JSONOutput.print(ConformJSON(report: report, valid: verdict.isValid, findings: verdict.findings))
        } else {
            Terminal.print("\(output): \(report.width)×\(report.height), \(report.frameRate.frameRateText) fps, "
                           + "\(Formatting.seconds(report.duration))\(report.audio ? ", with audio" : ", no audio") "
                           + "(\(Formatting.fixed(meter.elapsed, places: 1)) s)")
            for change in report.changes { Terminal.print("  - \(change)") }
            Terminal.print(verdict.isValid ? "passes validate" : VerdictText.render(verdict, video: try Probe.file(atPath: output)))
        }
        if !verdict.isValid { throw ExitStatus.invalid.code }
    }

    /// The fixes `validate` names for this clip, as options; printed so the user sees what is done.
    private func proposedOptions(keepAudio: Bool) throws -> ConformOptions {
        let info: MediaInfo
        do { info = try Probe.file(atPath: input) } catch { throw Terminal.fail(error, status: .unusable) }
        let problems = Validator().validate(ValidationRequest(video: info)).findings.map(\.problem)
        var options = ConformOptions.proposed(for: problems)
        options.keepAudio = keepAudio
        return options
    }
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
