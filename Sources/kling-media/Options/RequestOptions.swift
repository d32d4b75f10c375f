import ArgumentParser
import KlingRules
import Support

/// The parameters of a Kling O1 request other than its inputs, shared by the commands that build one.
struct RequestOptions: ParsableArguments {
    @Option(name: .long, help: "The prompt. Refer to the clip as @Video1, images as @Image1….")
    var prompt: String?

    @Option(name: .long, help: ArgumentHelp("Read the prompt from a file (UTF-8).", valueName: "file"))
    var promptFile: String?

    @Option(name: .long, help: "Seconds of video to generate: 5 or 10.")
    var duration: Int = 5

    @Option(name: .long, help: "aspect_ratio to request: auto, 16:9, 9:16 or 1:1. auto picks from the clip.")
    var aspect: AspectRatioOption = .auto

    @Flag(name: .long, help: "Ask the model to keep the clip's audio.")
    var keepAudio = false

    func check() throws {
        let durations = KlingO1Limits.current.outputDurations
        guard durations.contains(duration) else {
            throw ValidationError("--duration must be \(durations.map(String.init).joined(separator: " or ")), got \(duration)")
        }
        if prompt != nil && promptFile != nil {
            throw ValidationError("give the prompt with --prompt or --prompt-file, not both")
        }
    }

    /// The prompt from --prompt or --prompt-file; nil when neither is given.
    func promptText() throws -> String? {
        guard let promptFile else { return prompt }
        do {
            return try TextFile.read(promptFile, droppingByteOrderMark: false)
        } catch {
            Terminal.reportFailure("the prompt file \(error)")
            throw ExitStatus.unusable.code
        }
    }
}

extension AspectRatioOption: ExpressibleByArgument {}
