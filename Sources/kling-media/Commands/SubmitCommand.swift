import ArgumentParser
import HTTP
import Journal
import Pipeline
import Segmind
import Support
import Synchronization

struct SubmitCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a Kling O1 job for inputs already at URLs, and print its request id.",
        discussion: """
            The job goes into the journal before the request is sent, and its request id the moment it \
            is known, so no paid-for job is lost to a crash. A submission is retried only when Segmind \
            certainly did not take it (429, 502, 503, no connection); when its answer is lost after \
            sending, it is not retried (that could pay twice): the journal marks it outcome_unknown and \
            the message says how to check.

            \(CommandHelp.sections(
                exits: [.success: "submitted: the request id is printed", .invalid: "Segmind's 400: the request was refused, nothing was paid",
                   .unusable: nil, .refused: nil, .unavailable: nil,
                   .interrupted: "interrupted (Ctrl-C); if it was sent, its request id is printed and `wait` picks it up"],
                examples: ["kling-media submit --video-url https://example.com/a.mp4 --prompt-file p.txt",
                           "kling-media submit --video-url URL --image-url URL --prompt-file p.txt --json"]))
            """
    )

    @Option(name: .customLong("video-url"), help: "URL of the clip (@Video1).") var videoURL: String
    @Option(name: .customLong("image-url"), help: "URL of a reference image (@Image1, @Image2… in order); repeat.")
    var imageURLs: [String] = []
    @Option(name: .long, help: ArgumentHelp(
        "An element's frontal image URL, then 1 to 3 reference image URLs, comma-separated; repeat for @Element2….",
        valueName: "frontal,ref[,ref…]"))
    var element: [String] = []
    @OptionGroup var request: RequestOptions
    @Option(name: .shortAndLong, help: "Where `wait` should save the output.") var output: String?
    @OptionGroup var simulation: SimulationOption
    @Flag(help: "Print JSON: {request_id, status, local_id}.") var json = false

    func validate() throws {
        try request.check()
        if request.prompt == nil && request.promptFile == nil { throw ValidationError("--prompt (or --prompt-file) is required") }
        if let bad = element.first(where: { $0.split(separator: ",").count < 2 }) {
            throw ValidationError("--element needs a frontal image URL and 1 to 3 reference image URLs, comma-separated; got '\(bad)'")
        }
    }

    func run() async throws {
        let context = try JobContext.load("submit", simulate: simulation.simulate, notices: NoticePrinter(line: StatusLine(wanted: !json), json: json))
        defer { context.command.close() }
        guard let prompt = try request.promptText() else { throw ExitStatus.unusable.code }
        let elements = element.map { spec in
            let urls = spec.split(separator: ",").map(String.init)
            return KlingElement(frontalImageURL: urls[0], referenceImageURLs: Array(urls.dropFirst()))
        }
        let parameters = KlingRequest(prompt: prompt, videoURL: videoURL, imageURLs: imageURLs, elements: elements,
                                      aspectRatio: request.aspect, duration: request.duration,
                                      keepAudio: request.keepAudio)
        let outputPath = output.map { URL(fileURLWithPath: $0).path }
        // Where `wait` will save the shot must take a file, checked before the shot is paid for.
        if let outputPath {
            let folder = URL(fileURLWithPath: outputPath).deletingLastPathComponent().path
            do throws(FolderError) { try Folders.makeWritable(folder) } catch {
                Terminal.reportFailure("\(folder): cannot keep the shot there (\(error)); nothing was sent: give -o a path in a folder you can write")
                throw ExitStatus.unusable.code
            }
            do throws(PipelineError) { try RoomCheck(oneShotIn: folder).verify() } catch {
                throw Terminal.fail(error, status: .unusable)
            }
        }
        let record = JobRecord(parameters: parameters, apiBase: context.configuration.apiBase, outputPath: outputPath)
        let saved: JobRecord
        // Ctrl-C once the POST may have left waits for the answer (it carries the job's id);
        // a second Ctrl-C stops waiting, and the job is journalled as outcome unknown.
        let stop = StopSignal()
        let patience = AnswerPatience(stop: stop) {
            Terminal.printError("kling-media: " + EventText.waitingForAnswer)
        }
        let interrupted = Atomic<Bool>(false)
        do {
            saved = try await Interruption.cancellingOnInterrupt(stop: stop) {
                let saved = try await JobSubmission(client: context.client, journal: context.journal).submit(record, patience: patience)
                interrupted.store(Task.isCancelled, ordering: .relaxed)
                return saved
            }
        } catch let error as SubmissionError {
            switch error {
            case .journal(let failure): throw Terminal.fail(failure, status: .unusable)
            case .api(let failure, let noted):
                if failure == .cancelled {
                    Terminal.reportFailure("interrupted before anything was sent; nothing was submitted")
                    throw ExitStatus.interrupted.code
                }
                if failure.isOutcomeUnknown {
                    Terminal.printError("kling-media: journal entry \(noted.localID) keeps the parameters of this submission")
                }
                throw Terminal.fail(failure, status: ExitStatus(failure))
            }
        }
        // A record comes back from a submission only with its request id.
        guard let requestID = saved.requestID else { throw ExitStatus.unavailable.code }
        if json {
            JSONOutput.print(SubmitReport(requestID: requestID, status: saved.state.rawValue.uppercased(), localID: saved.localID))
        } else {
            Terminal.print(requestID.rawValue)
        }
        if interrupted.load(ordering: .relaxed) {
            Terminal.printError("kling-media: interrupted after the submission; "
                                + ResumeAdvice.wait(requestID, stitching: false).text(simulated: context.command.isSimulated))
            throw ExitStatus.interrupted.code
        }
    }
}

struct SubmitReport: Encodable {
    let requestID: RequestID
    let status: String
    let localID: String

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case status
        case localID = "local_id"
    }
}
