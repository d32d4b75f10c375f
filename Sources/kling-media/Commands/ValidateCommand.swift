import ArgumentParser
import KlingRules
import Pipeline

struct ValidateCommand: AsyncParsableCommand, JSONOutputting {
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

            It looks for hard cuts in the part of the clip that would be sent (its last 10 s at \
            most): a cut there is a warning, since the model would see two shots to continue from \
            (`continue --tail shot` sends only the last one).

            It also chooses the aspect_ratio to request from the picture as displayed (after rotation \
            and pixel aspect): 16:9, 9:16 or 1:1 when the clip is within 5 % of one, else auto.

            \(CommandHelp.sections(
                exits: [.success: "valid (warnings allowed)", .invalid: "invalid: the model would reject it (each reason and its fix printed)",
                        .unusable: nil],
                examples: ["kling-media validate shot.mp4", "kling-media validate shot.mp4 --refs hero.png --prompt \"Based on @Video1\"",
                           "kling-media validate shot.mp4 --json"]))
            """
    )

    @Argument(help: "The clip to continue (@Video1).")
    var video: String?

    @OptionGroup var references: ReferenceOptions
    @OptionGroup var request: RequestOptions

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        try request.check()
        try references.check()
        _ = try references.clip(video)
    }

    func run() async throws {
        var request: ValidationRequest
        do {
            request = try ValidationRequest.probing(video: try references.clip(video), images: references.images, elements: references.elementImages,
                                                    prompt: try self.request.promptText(), keepAudio: self.request.keepAudio,
                                                    aspect: self.request.aspect)
        } catch let unreadable as UnreadableInputs {
            for failure in unreadable.errors { Terminal.report(failure) }
            if json { JSONOutput.print(unreadable.errors.map { FileErrorJSON(filename: $0.path, error: $0.description) }) }
            throw ExitStatus.unusable.code
        }
        request.cutsInSentPart = await SentPart.cuts(of: request.video)
        let verdict = Validator().validate(request)
        if json {
            JSONOutput.print(ValidationReport(video: try references.clip(video), verdict: verdict, duration: self.request.duration,
                                              keepAudio: self.request.keepAudio))
        } else {
            Terminal.print(VerdictText.render(verdict, video: request.video))
        }
        if !verdict.isValid { throw ExitStatus.invalid.code }
    }
}
