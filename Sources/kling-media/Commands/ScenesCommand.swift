import ArgumentParser
import MediaKit
import Support

struct ScenesCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "Find a clip's hard cuts and the shots between them.",
        discussion: """
            Every frame is decoded, made small and compared \
            with its neighbours by PySceneDetect's content measure (hue, saturation and brightness), \
            so scores read like its ContentDetector's. A frame starts a new shot when it changes by \
            at least --threshold, stands out from the motion around it, and nothing within a quarter \
            of a second after it looks like what came just before (a flash or a passing object is \
            not a cut). Dissolves and fades are not hard cuts and are not reported.

            Why it matters: the model continues from the clip it is sent. A cut in those seconds \
            gives it two shots to continue from; `continue --tail shot` sends only the last one.

            --json prints {path, frames, duration, cuts: [{frame, time, score}], shots: [{first_frame, \
            last_frame, start, end}]}; frames count from 0 in display order, as ffprobe's n.

            \(CommandHelp.sections(
                exits: [.success: nil, .unusable: "a clip that cannot be read or has no video", .interrupted: "interrupted (Ctrl-C)"],
                examples: ["kling-media scenes edit.mp4", "kling-media scenes edit.mp4 --json | jq '.cuts[].time'",
                           "kling-media scenes edit.mp4 --threshold 20"]))
            """
    )

    @Argument(help: "The clip.") var input: String
    @Option(help: "How much a frame must change to be a cut, 1 to 255 (PySceneDetect's default: 27).") var threshold: Double = 27
    @Flag(help: "Print JSON instead of text.") var json = false

    func validate() throws {
        if !(threshold >= 1 && threshold <= 255) { throw ValidationError("--threshold must be from 1 to 255") }
    }

    func run() async throws {
        let list: ShotList
        do {
            list = try await ShotScan.run(input, settings: ShotDetection.Settings(threshold: threshold), label: "finding cuts",
                                          showProgress: !json)
        } catch let error as ShotDetectionError {
            throw Terminal.fail(error, status: error == .cancelled ? .interrupted : .unusable)
        }
        if json {
            JSONOutput.print(list)
            return
        }
        Terminal.print(ShotText.render(list))
    }
}

/// The text form of a clip's cuts and shots.
enum ShotText {
    static func render(_ list: ShotList) -> String {
        let count = list.cuts.count
        var lines = ["\(list.path): \(Formatting.seconds(list.duration)), \(list.frameCount) frames; "
                     + (count == 0 ? "no cuts: one shot" : "\(count) cut\(count == 1 ? "" : "s"), \(count + 1) shots")]
        for (number, shot) in list.shots.enumerated() {
            var line = "  shot \(number + 1): \(Formatting.seconds(shot.startSeconds)) to \(Formatting.seconds(shot.endSeconds))"
                + " (frames \(shot.firstFrame)–\(shot.lastFrame))"
            if number > 0 { line += ", cut score \(Formatting.fixed(list.cuts[number - 1].score, places: 1))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
