import ArgumentParser
import MediaKit

struct ProbeCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show what media files hold: container, streams, display size, frame rate, audio.",
        discussion: """
            Reads each file in-process with FFmpeg's libraries (no ffprobe needed). Results stream out \
            one file at a time, so a folder of thousands of files needs no more memory than one.

            --json prints one object per file (an array for several) named as ffprobe names them \
            (format.duration, streams[].codec_type, r_frame_rate, display_aspect_ratio, side_data_list, \
            tags, disposition, …), each with ffprobe's value, numbers as JSON numbers. What ffprobe does \
            not print is under names it does not use: displayed {width, height, aspect_ratio, \
            rotation_cw} (the picture as a player shows it, turned clockwise), variable_frame_rate, \
            bit_depth and attached_pic. A file that cannot be read appears as {"filename": …, "error": …}.

            --scenes also finds each video's hard cuts (as `kling-media scenes` does; every frame \
            is decoded, so it takes a while on long clips): in JSON as "scenes": {frames, duration, \
            cuts, shots}.

            \(CommandHelp.sections(
                exits: [.success: "every file was read", .unusable: "any could not be (the others are still printed)"],
                examples: ["kling-media probe shot.mp4", "kling-media probe *.mp4 --json | jq '.[].format.duration'",
                           "kling-media probe edit.mp4 --scenes --json | jq '.scenes.cuts'",
                           "kling-media probe phone.mov --json"]))
            """
    )

    @Argument(help: "Media files to probe (video, audio or images).")
    var files: [String]

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Also find each video's hard cuts and shots (decodes every frame).")
    var scenes = false

    func run() async throws {
        var failures = 0
        let several = files.count > 1
        // The files' documents (an unreadable one's error in its place) are the answer, failures included.
        if json { FailureDocument.notePrintedDocument() }
        if json && several { Terminal.print("[") }
        for (position, path) in files.enumerated() {
            // Nobody reads on (`probe *.mp4 | head`): the rest is not probed for nobody.
            if Terminal.isReadByNobody { return }
            let separator = json && several && position < files.count - 1 ? "," : ""
            do {
                let info = try Probe.file(atPath: path)
                let shots = scenes && info.primaryVideo != nil && !info.format.isImage
                    ? try await ShotScan.run(path, label: "\(path): finding cuts", showProgress: true) : nil
                if json {
                    Terminal.print(JSONOutput.string(ExtendedDocument(base: info, key: "scenes", extra: shots)) + separator)
                } else {
                    Terminal.print(ProbeTable.render(info) + (shots.map { "\n" + ShotText.render($0) } ?? ""))
                }
            } catch ShotDetectionError.cancelled {
                // Ctrl-C stops the whole command, not only this file.
                throw Terminal.fail(ShotDetectionError.cancelled, status: .interrupted)
            } catch {
                failures += 1
                Terminal.report(error)
                if json {
                    Terminal.print(JSONOutput.string(FileErrorJSON(filename: path, error: String(describing: error))) + separator)
                }
            }
        }
        if json && several { Terminal.print("]") }
        if failures > 0 { throw ExitStatus.unusable.code }
    }
}
