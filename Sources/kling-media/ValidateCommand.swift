import ArgumentParser
import FoundationEssentials
import MediaKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a clip, reference images and prompt against Kling O1's rules before paying.",
        discussion: """
            Checks every documented rule: the clip's container, duration, size (stored and as \
            displayed), file size and frame rate; each reference image's format, size and aspect; the \
            number of references; the prompt's length and the @Video1/@ImageN/@ElementN it names. Every \
            problem comes with the measured value, the limit and a fix. What is uncertain (film-rate \
            23.976 fps, a variable frame rate averaging under 24 fps, sizes that pass stored but not \
            displayed) is a warning, not an error.

            It also chooses the aspect_ratio to request from the picture as displayed (after rotation \
            and pixel aspect): 16:9, 9:16 or 1:1 when the clip is within 5 % of one, else auto.

            Exit status: 0 valid (warnings allowed), 1 invalid, 2 unusable arguments or unreadable input.
            """
    )

    @Argument(help: "The clip to continue (@Video1).")
    var video: String

    @OptionGroup var references: ReferenceOptions
    @OptionGroup var request: RequestOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        try request.check()
        try references.check()
    }

    func run() throws {
        let request: ValidationRequest
        do {
            request = try ValidationRequest.probing(video: video, images: references.refs, elements: references.elementImages,
                                                    prompt: try self.request.promptText(), keepAudio: self.request.keepAudio,
                                                    aspect: self.request.aspect)
        } catch let unreadable as UnreadableInputs {
            for failure in unreadable.errors { Terminal.report(failure) }
            if json { JSONOutput.print(unreadable.errors.map { FileErrorJSON(filename: $0.path, error: $0.description) }) }
            throw ExitStatus.unusable.code
        }
        let verdict = Validator().validate(request)
        if json {
            JSONOutput.print(ValidationReport(video: video, verdict: verdict, duration: self.request.duration,
                                              keepAudio: self.request.keepAudio))
        } else {
            Terminal.print(VerdictText.render(verdict, video: request.video))
        }
        if !verdict.isValid { throw ExitStatus.invalid.code }
    }
}

/// The reference images and elements of a request given as files (or, for `continue`, URLs).
struct ReferenceOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: "Reference images, in @Image1, @Image2… order.")
    var refs: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "An element: its frontal image, then 1 to 3 reference images, comma-separated. Repeat for @Element2….",
        valueName: "frontal,ref[,ref…]"))
    var element: [String] = []

    /// Only the form; how many images an element has is a rule of the model, which validation reports.
    func check() throws {
        for value in element where value.split(separator: ",").isEmpty {
            throw ValidationError("--element needs FRONTAL,REF[,REF…], got '\(value)'")
        }
    }

    /// Each element's images, frontal first.
    var elementImages: [[String]] { element.map { $0.split(separator: ",").map(String.init) } }
}

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
        guard let data = FileManager.default.contents(atPath: promptFile),
              let text = String(validating: data, as: UTF8.self) else {
            Terminal.printError("kling-media: \(promptFile): cannot read the prompt file as UTF-8 text")
            throw ExitStatus.unusable.code
        }
        return text
    }
}

extension AspectRatioOption: ExpressibleByArgument {}

/// `validate --json`: the verdict plus the request parameters it was judged for.
struct ValidationReport: Encodable {
    let video: String
    let verdict: Verdict
    let duration: Int
    let keepAudio: Bool

    enum CodingKeys: String, CodingKey {
        case video, valid, findings, aspectRatio = "aspect_ratio", duration, keepAudio = "keep_audio"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(video, forKey: .video)
        try container.encode(verdict.isValid, forKey: .valid)
        try container.encode(verdict.findings, forKey: .findings)
        try container.encodeIfPresent(verdict.aspect, forKey: .aspectRatio)
        try container.encode(duration, forKey: .duration)
        try container.encode(keepAudio, forKey: .keepAudio)
    }
}
