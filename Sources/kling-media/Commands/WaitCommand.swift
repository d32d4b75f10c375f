import ArgumentParser
import Journal
import Pipeline
import Segmind
import Support

struct WaitCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a job to finish and download its output; resumes after Ctrl-C or a crash.",
        discussion: """
            Polls with a backoff (2 s growing to 15 s) within the key's request budget, showing the \
            status on a terminal. The output URL goes into the journal the moment it is known, so a job \
            whose Segmind record has expired (after an hour) still downloads. The download is resumed if \
            the connection drops, checked to be a video, and renamed into place only when complete.

            For a job made by `continue`, it finishes the continuation: the shot is saved where \
            `continue` said, the shots after it are made, and the result is stitched; it prints the \
            stitched result.

            \(CommandHelp.sections(
                exits: [.success: "done: the saved file (or the stitched result) is printed", .unusable: nil, .jobFailed: nil, .refused: nil,
                   .unavailable: nil, .notFound: nil, .interrupted: "interrupted (Ctrl-C); the job goes on: the same `wait` picks it up"],
                examples: ["kling-media wait 0f8e3c2a",
                   "kling-media wait 0f8e3c2a -o shot.mp4 --timeout 600",
                   "kling-media wait 0f8e3c2a --simulate"]))
            """
    )

    @Argument(help: "The job's request id (or a prefix of it).") var id: String
    @Option(help: "Give up waiting after this many seconds (the job goes on; wait again later).") var timeout: Double?
    @Option(name: .shortAndLong, help: "Where to save the output (default: as given to submit, else ./ID.mp4).")
    var output: String?
    @OptionGroup var download: DownloadOptions
    @OptionGroup var simulation: SimulationOption
    @Flag(help: "Print JSON: {request_id, status, output_url, output_urls, output_path}.") var json = false

    func validate() throws {
        if let timeout, !(timeout > 0) { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        let line = StatusLine(wanted: !json)
        // A 429 whose reset is further off than this command may wait stops it, saying when.
        let context = try JobContext.load("wait \(id)", simulate: simulation.simulate, notices: NoticePrinter(line: line, json: json)) { client in
            if let timeout { client.longestRateLimitWait = timeout }
        }
        let job = try context.submittedJob(id)
        if let link = job.record.continuation { return try await finishContinuation(link, of: job.requestID, context: context) }
        var record = job.record
        let requestID = job.requestID
        let destination = URL(fileURLWithPath: output ?? record.outputPath ?? "\(requestID).mp4").path
        if record.outputPath != destination, context.isJournaled(record) {
            // Remembered before waiting, so a wait that is killed and run again saves to the same place.
            record = context.note(record) { $0.outputPath = destination }
        }
        let tracker = JobTracker(client: context.client, journal: context.journal)
        let deadline = timeout.map { ContinuousClock.now.advanced(by: .seconds($0)) }
        let maxBytes = download.maxBytes
        let start = record
        do {
            (record, _) = try await Interruption.cancellingOnInterrupt {
                try await tracker.finish(start, to: destination, deadline: deadline, maxBytes: maxBytes) { event in
                    Self.render(event, requestID: requestID, line: line)
                }
            }
            line.finish()
        } catch let failure as JobTracker.Failure {
            line.finish()
            switch failure {
            case .cancelled:
                Terminal.reportFailure("interrupted; "
                                    + ResumeAdvice.wait(requestID, stitching: false).text(simulated: context.command.isSimulated))
                throw ExitStatus.interrupted.code
            case .api(let error, _): throw Terminal.fail(error, status: ExitStatus(error))
            case .download(let error):
                // Done and paid for: the one thing the user needs is that this command, run
                // again once the trouble is mended, fetches it without a new job.
                Terminal.reportFailure("\(error); " + ResumeAdvice.download(requestID, stitching: false, recordExpiresAt: start.recordExpiresAt)
                    .text(simulated: context.command.isSimulated))
                throw ExitStatus(error).code
            case .noVideo(let tried, let job):
                throw Terminal.fail(PipelineError.noVideo(tried: tried, shot: 1, job: requestID.rawValue, recordExpiresAt: job.recordExpiresAt),
                                    status: .unavailable)
            case .unwritable(let path): throw Terminal.fail(OutputDownload.Failure.unwritable(path), status: .unusable)
            case .notSubmitted(let job): throw Terminal.fail(JobNotSubmitted(record: job), status: .unavailable)
            }
        }
        if json {
            JSONOutput.print(JobSummary(record, status: JobStatus.completed.rawValue))
        } else {
            Terminal.print(destination)
        }
    }

    /// A followed job's events: polls and downloads on the status line, the rest as lines.
    static func render(_ event: JobTracker.Event, requestID: RequestID, line: StatusLine) {
        if case .downloading(let progress) = event { return line.show(EventText.downloading(progress)) }
        for text in EventText.job(event, label: requestID.rawValue) {
            switch text {
            case .progress(let text): line.show(text)
            case .step(let text):
                line.finish()
                // COMPLETED is said by the saved file's path on standard output.
                if case .completed = event { continue }
                Terminal.printError("kling-media: " + text)
            }
        }
    }

    /// A job made by `continue`: the continuation goes on from it (download, later shots, stitching).
    private func finishContinuation(_ link: ContinuationLink, of requestID: RequestID, context: JobContext) async throws {
        if output != nil {
            Terminal.reportFailure("job \(requestID) is shot \(link.shot) of continuation \(link.localID), whose files are "
                                + "already named; run `kling-media wait \(requestID)` without -o")
            throw ExitStatus.unusable.code
        }
        let printer = EventPrinter(line: StatusLine(wanted: true), json: json)
        let runner = context.session.runner { printer.print($0) }
        var options = RunOptions(deadline: timeout.map { ContinuousClock.now.advanced(by: .seconds($0)) })
        options.maxDownloadBytes = download.maxBytes
        let stop = options.stopWaiting
        do {
            let outcome = try await Interruption.cancellingOnInterrupt(stop: stop) { [options] in
                try await runner.resume(link.localID, options: options)
            }
            printer.line.finish()
            ContinuationOutput.print(outcome, json: json, simulated: context.command.isSimulated)
        } catch let error as PipelineError {
            printer.line.finish()
            throw PipelineFailure.report(error, json: json, simulated: context.command.isSimulated)
        }
    }
}
