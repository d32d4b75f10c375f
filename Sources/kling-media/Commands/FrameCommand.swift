import ArgumentParser
import MediaKit
import Support

struct FrameCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Save one frame of a clip as a PNG or JPEG, as displayed (rotation and pixel aspect applied).",
        discussion: """
            --at last takes the clip's final frame, the one a continuation follows on from: a good \
            reference image for continuity. The output's extension decides the format (.png, .jpg); \
            it is written to a temporary file and renamed into place, and an existing file is kept \
            unless --overwrite.

            \(CommandHelp.sections(
                exits: [.success: nil, .unusable: "unusable arguments, a clip that cannot be read, a time past its end, an output that exists (without --overwrite)"],
                examples: ["kling-media frame shot.mp4 -o last.png",
                   "kling-media frame shot.mp4 --at 2.5 -o still.jpg",
                   "kling-media frame shot.mp4 --at first -o first.png --overwrite --json"]))
            """
    )

    @Argument(help: "The clip.") var input: String
    // Unconditional, so `--at -1` reaches the check below instead of reading as an option.
    @Option(parsing: .unconditional,
            help: "first, last, or a time in seconds from the start, 0 or more (default: last).",
            transform: FramePositionArgument.parse)
    var at = FramePositionArgument(.last)
    @Option(name: .shortAndLong, help: "The picture to write: .png (PNG) or .jpg (JPEG).") var output: String
    @OptionGroup var overwriting: OverwriteOption
    @Flag(help: "Print JSON: {path, width, height, seconds}.") var json = false

    func validate() throws {
        try overwriting.checkPicture(output)
    }

    func run() throws {
        let result: FrameGrab.Result
        do { result = try FrameGrab.write(from: input, at: at.position, to: output, replacing: overwriting.overwrite) } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        if json {
            JSONOutput.print(FrameReport(path: output, width: result.width, height: result.height, seconds: result.seconds))
        } else {
            Terminal.print("\(output): \(result.width)×\(result.height), frame at \(Formatting.seconds(result.seconds))")
        }
    }
}

struct FrameReport: Encodable {
    let path: String
    let width: Int
    let height: Int
    let seconds: Double
}

/// `--at first|last|SECONDS`.
struct FramePositionArgument: Sendable {
    let position: FramePosition

    init(_ position: FramePosition) { self.position = position }

    @Sendable static func parse(_ argument: String) throws -> FramePositionArgument {
        switch argument {
        case "first": return .init(.first)
        case "last": return .init(.last)
        default:
            guard let seconds = Double(argument), seconds.isFinite else {
                throw ValidationError("first, last, or a time in seconds")
            }
            guard seconds >= 0 else { throw ValidationError("must be ≥ 0 (seconds from the clip's start; `last` for its final frame)") }
            return .init(.seconds(seconds))
        }
    }
}
