import ArgumentParser
import MediaKit

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Show what media files hold: container, streams, display size, frame rate, audio.",
        discussion: """
            Reads each file in-process with FFmpeg's libraries (no ffprobe needed). Results stream out \
            one file at a time, so a folder of thousands of files needs no more memory than one.

            --json prints one object per file (an array for several) named as ffprobe names them \
            (format.duration, streams[].codec_type, r_frame_rate, …) with numbers as JSON numbers, plus \
            rotation (degrees clockwise), display_width, display_height, display_aspect_ratio (after \
            sample aspect and rotation), variable_frame_rate, bit_depth and attached_pic. A file that \
            cannot be read appears as {"filename": …, "error": …}.

            Exit status: 0 when every file was read, 2 when any could not be.
            """
    )

    @Argument(help: "Media files to probe (video, audio or images).")
    var files: [String]

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        var failures = 0
        let several = files.count > 1
        if json && several { Terminal.print("[") }
        for (position, path) in files.enumerated() {
            let separator = json && several && position < files.count - 1 ? "," : ""
            do {
                let info = try Probe.file(atPath: path)
                Terminal.print(json ? JSONOutput.string(info) + separator : ProbeTable.render(info))
            } catch {
                failures += 1
                Terminal.report(error)
                if json {
                    Terminal.print(JSONOutput.string(FileErrorJSON(filename: path, error: error.description)) + separator)
                }
            }
        }
        if json && several { Terminal.print("]") }
        if failures > 0 { throw ExitStatus.unusable.code }
    }
}
