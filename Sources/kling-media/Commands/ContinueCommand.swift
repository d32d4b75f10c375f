import ArgumentParser
import MediaKit
import Pipeline
import Segmind
import Support
import Uploader

struct ContinueCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "continue",
        abstract: "Generate the next shot of a clip with Kling O1 and stitch it after the clip: the whole job in one command.",
        discussion: """
            In order, each step shown as it goes: check the clip, references and prompt (everything \
            `validate` checks; nothing is uploaded when they fail); choose the aspect ratio from the \
            picture as displayed; upload the local files (cached by content); submit (journalled \
            first, its request id at once); poll; download the new shot (kept as RESULT.shot1.mp4: it \
            was paid for); stitch it after the whole clip into -o (default NAME+next.mp4 beside the clip), \
            passing the new shot through untouched where it can; then looks at the joint: \
            RESULT.seams.png shows the frames either side of it, and its SSIM and colour shift are \
            said (--no-seams skips this).

            A clip over the model's 10 s (a stitched chain, say) sends only its end: --tail S, by \
            default as much as the model takes, re-encoded as needed. --conform fixes the clip's other \
            problems before sending. --shots N chains N shots, each made from the end of the one before, \
            and stitches them all in one pass.

            Ctrl-C leaves it resumable: `kling-media wait ID` (or `resume`) finishes the download and the \
            stitching. The same command run again goes on where it stood, and a finished one is not \
            paid for twice (--again makes a new take).

            With no SEGMIND_API_KEY (or with --simulate) it runs against the built-in simulator, and says so.

            \(CommandHelp.sections(
                exits: [.success: nil, .invalid: nil, .unusable: nil, .jobFailed: nil, .refused: nil,
                   .unavailable: nil, .notFound: "an earlier job of this continuation expired before its shot was fetched",
                   .interrupted: "interrupted (Ctrl-C); `kling-media resume` (or the `wait` it names) goes on"],
                examples: ["kling-media continue shot.mp4 --prompt \"Based on @Video1, the next shot\"",
                           "kling-media continue shot.mp4 --refs hero.png --prompt-file p.txt -o next.mp4",
                           "kling-media continue long.mp4 --shots 3 --crossfade 0.5 --prompt-file p.txt",
                           "kling-media continue shot.mp4 --prompt-file p.txt --dry-run --json"]))
            """
    )

    @Argument(help: "The clip to continue (@Video1); required, before --refs.") var clip: String?
    @OptionGroup var references: ReferenceOptions
    @OptionGroup var request: RequestOptions
    @Option(name: .shortAndLong, help: "The stitched result (default: NAME+next.mp4 beside the clip); with --no-stitch, the new shot.")
    var output: String?
    @OptionGroup var overwriting: OverwriteOption
    @Flag(help: "Keep the new shot only; do not stitch it after the clip.") var noStitch = false
    @Flag(help: "Stitch only after the shot arrives, not ahead while the model works.") var noStitchAhead = false
    @Flag(help: "Write no seam sheet (RESULT.seams.png) and no joint scores.") var noSeams = false
    @Flag(help: "Fix the clip's problems (size, frame rate…) before sending, as `conform` would.") var conform = false
    @Option(help: ArgumentHelp("Send only the clip's last SECONDS, or `shot`: its last shot, from its last hard cut (3 to 10 s) "
                               + "(default: all of it, or as much as the model takes). The whole clip is still stitched.",
                               valueName: "seconds|shot"),
            transform: TailArgument.parse)
    var tail: TailChoice?
    @Option(help: "Shots to generate, each from the end of the one before (1 to 20).") var shots = 1
    @Option(help: ArgumentHelp("Fade each shot into the next over SECONDS when stitching (default: 0, a cut).", valueName: "seconds"))
    var crossfade: Double?
    @Flag(help: "Check, choose and show the exact request body, with local paths for URLs; upload and submit nothing.")
    var dryRun = false
    @Flag(help: "Run against the built-in simulator even when an API key is set.") var simulate = false
    @Flag(help: "Say the request budget (the rate learned for this key) as it starts, and every wait for it.") var verbose = false
    @Flag(help: "Make a new take even if this exact request was done before (paid for again).") var again = false
    @Flag(help: "Submit again a shot whose earlier job FAILED or expired unfetched.") var retryFailed = false
    @Flag(help: "Submit again a shot whose earlier submission's answer was lost (it may be billed twice).") var resubmit = false
    @OptionGroup var download: DownloadOptions
    @Flag(help: "Print JSON: the continuation, its shots and request ids, the stitched result.") var json = false

    func validate() throws {
        try request.check()
        if request.prompt == nil && request.promptFile == nil { throw ValidationError("--prompt (or --prompt-file) is required") }
        // The same checks a batch line gets.
        let problems = ContinuationRequest.problems(duration: request.duration, shots: shots, tail: tail, crossfade: crossfade ?? 0,
                                                    stitch: !noStitch)
        if let problem = problems.first { throw ValidationError(problem.message { "--\($0)" }) }
        try references.check()
        _ = try references.clip(clip)
        if let output {
            if noStitch, URL(fileURLWithPath: output).pathExtension.lowercased() != "mp4" {
                throw ValidationError("\(output): with --no-stitch, -o is the new shot as Segmind made it, an MP4: name it .mp4")
            }
            // Whether a file there may be replaced is decided by the run: the same command again finds it done.
            if !noStitch { try OverwriteOption.checkContainer(output) }
        }
    }

    func run() async throws {
        guard let prompt = try request.promptText() else { throw ExitStatus.unusable.code }
        let source = Self.absolute(try references.clip(clip))
        let continuation = ContinuationRequest(
            source: source, references: references.images.map(Self.absolute), elements: references.elementImages.map { $0.map(Self.absolute) },
            prompt: prompt, duration: request.duration, aspect: request.aspect, keepAudio: request.keepAudio,
            shots: shots, tail: tail, conform: conform, crossfade: crossfade ?? 0, stitch: !noStitch, output: output.map(Self.absolute))
        let printer = EventPrinter(line: StatusLine(wanted: true), json: json, verbose: verbose)
        if dryRun { return try await runDry(continuation, printer: printer) }
        // Bad input is refused before a simulator is started or a journal opened.
        do { try await ContinuationRunner.check(continuation) } catch {
            throw PipelineFailure.report(error, json: json, simulated: false, request: continuation)
        }

        let session = try CommandSession.open(simulate: simulate, notices: printer.notices)
        defer { session.close() }
        if verbose { await BudgetReport.say(session.session.client) }
        let runner = session.session.runner { printer.print($0) }
        var options = RunOptions(again: again, retryFailed: retryFailed, resubmitUnknown: resubmit)
        options.stitchAhead = !noStitchAhead
        options.seams = !noSeams
        options.overwrite = overwriting.overwrite
        options.maxDownloadBytes = download.maxBytes
        let outcome: ContinuationOutcome
        do {
            outcome = try await Interruption.cancellingOnInterrupt(stop: options.stopWaiting) { [options] in
                try await runner.start(continuation, options: options)
            }
        } catch let error as PipelineError {
            printer.line.finish()
            throw PipelineFailure.report(error, json: json, simulated: session.isSimulated, request: continuation)
        }
        printer.line.finish()
        ContinuationOutput.print(outcome, json: json, simulated: session.isSimulated)
    }

    private func runDry(_ continuation: ContinuationRequest, printer: EventPrinter) async throws {
        let configuration = (try? SegmindConfiguration.load()) ?? nil
        let cache = configuration == nil || simulate ? nil : UploadCache(path: UploadCache.defaultPath())
        let uploader = configuration.map { FileUploader(backend: SegmindStorage(configuration: $0), cache: cache) }
        let report: DryRunReport
        do throws(PipelineError) {
            let remembered = configuration.flatMap { RequestEncodingMemory(path: RequestEncodingMemory.defaultPath()).encoding(for: $0.apiHost) }
            report = try await DryRun.report(continuation, uploader: uploader, encoding: remembered ?? .documented) { printer.print($0) }
        } catch {
            throw PipelineFailure.report(error, json: json, simulated: false, request: continuation)
        }
        if json {
            JSONOutput.print(report)
            return
        }
        Terminal.print("dry run: nothing was uploaded or submitted. The request body, local paths in place of URLs:")
        Terminal.print(JSONOutput.string(report.body))
        for upload in report.uploads {
            let size = upload.bytes.map(Formatting.bytes) ?? "to be made"
            Terminal.print("  upload \(upload.path) (\(size))\(upload.cached ? ": cached, its URL is checked before reuse" : "")")
        }
        let shots = report.shots == 1 ? "" : " in \(report.shots) shots"
        var estimate = "estimated output: \(Formatting.seconds(report.generatedSeconds)) generated\(shots)"
        if let stitched = report.stitchedSeconds, let output = report.output {
            estimate += "; \(output) about \(Formatting.seconds(stitched)) long"
        }
        Terminal.print(estimate)
    }

    /// Paths as absolute, so the journal finds them again from any folder; URLs as they are.
    static func absolute(_ input: String) -> String {
        URLText.isHTTP(input) ? input : URL(fileURLWithPath: input).path
    }
}
