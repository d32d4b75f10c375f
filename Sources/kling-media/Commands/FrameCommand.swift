import ArgumentParser
import MediaKit
import Support

struct FrameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frame",
        abstract: "Save one frame of a clip as a PNG, as displayed (rotation and pixel aspect applied).",
        discussion: """
            --at last takes the clip's final frame, the one a continuation follows on from: a good \
            reference image for continuity. The PNG is written to a temporary file and renamed into place.

            \(ExitStatus.summary)
            """
    )

    @Argument(help: "The clip.") var input: String
    @Option(help: "first, last, or a time in seconds.") var at: FramePositionArgument = .init(.last)
    @Option(name: .shortAndLong, help: "The PNG to write.") var output: String
    @Flag(help: "Print JSON: {path, width, height, seconds}.") var json = false

    func run() throws {
        let result: FrameGrab.Result
        do { result = try FrameGrab.write(from: input, at: at.position, to: output) } catch {
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
struct FramePositionArgument: ExpressibleByArgument {
    let position: FramePosition

    init(_ position: FramePosition) { self.position = position }

    init?(argument: String) {
        switch argument {
        case "first": position = .first
        case "last": position = .last
        default:
            guard let seconds = Double(argument), seconds >= 0, seconds.isFinite else { return nil }
            position = .seconds(seconds)
        }
    }
}
