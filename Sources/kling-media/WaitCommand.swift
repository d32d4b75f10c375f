import ArgumentParser
import FoundationEssentials
import MediaKit
import Pipeline
import Uploader
#if canImport(Glibc)
import Glibc
#endif

struct WaitCommand: AsyncParsableCommand {
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

            \(ExitStatus.summary)
            """
    )

    @Argument(help: "The job's request id (or a prefix of it).") var id: String
    @Option(help: "Give up waiting after this many seconds (the job goes on; wait again later).") var timeout: Double?
    @Option(name: .shortAndLong, help: "Where to save the output (default: as given to submit, else ./ID.mp4).")
    var output: String?
    @Flag(help: "Print JSON: {request_id, status, output_url, output_path}.") var json = false

    func run() async throws {
        let context = try JobContext.load()
        let job = try context.submittedJob(id)
        if let link = job.record.continuation { return try await finishContinuation(link, of: job.requestID) }
        var record = job.record
        let requestID = job.requestID
        let destination = URL(fileURLWithPath: output ?? record.outputPath ?? "\(requestID).mp4").path
        if record.outputPath != destination, context.isJournaled(record) {
            // Remembered before waiting, so a wait that is killed and run again saves to the same place.
            record = context.note(record) { $0.outputPath = destination }
        }
        let line = StatusLine(wanted: !json)
        let started = ContinuousClock.now
        do {
            if record.outputURL == nil {
                let deadline = timeout.map { ContinuousClock.now.advanced(by: .seconds($0)) }
                let client = context.client
                let result = try await Interruption.cancellingOnInterrupt {
                    try await client.waitForResult(of: requestID, deadline: deadline) { status in
                        line.show("\(requestID): \(status.rawValue.lowercased()), \(Formatting.clock(since: started)) elapsed")
                    }
                }
                line.finish()
                record = context.note(record) {
                    $0.outputURL = result.outputURL
                    $0.state = .completed
                }
            }
            guard let url = record.outputURL else { throw APIError.noOutput(requestID: requestID, body: "") }
            try await Self.download(url, to: destination, line: line)
            record = context.note(record) {
                $0.state = .downloaded
                $0.outputPath = destination
            }
        } catch let error as APIError {
            line.finish()
            if case .notFound = error, !context.isJournaled(record) {
                throw Terminal.fail(error, status: ExitStatus(error))
            }
            context.note(record) {
                switch error {
                case .jobFailed(_, let detail): $0.state = .failed; $0.error = detail
                case .notFound: $0.state = .expired
                default: break
                }
            }
            if error == .cancelled {
                Terminal.printError("kling-media: interrupted; job \(requestID) goes on at Segmind: resume with `kling-media wait \(requestID)`")
                throw ExitStatus.interrupted.code
            }
            throw Terminal.fail(error, status: ExitStatus(error))
        }
        if json {
            JSONOutput.print(JobSummary(record, status: JobStatus.completed.rawValue))
        } else {
            Terminal.print(destination)
        }
    }

    /// A job made by `continue`: the continuation goes on from it (download, later shots, stitching).
    private func finishContinuation(_ link: ContinuationLink, of requestID: String) async throws {
        if output != nil {
            Terminal.printError("kling-media: job \(requestID) is shot \(link.shot) of continuation \(link.localID), whose files are "
                                + "already named; run `kling-media wait \(requestID)` without -o")
            throw ExitStatus.unusable.code
        }
        let session = try PipelineSession.real()
        let printer = EventPrinter(line: StatusLine(wanted: true))
        let runner = session.runner { printer.print($0) }
        let options = RunOptions(deadline: timeout.map { ContinuousClock.now.advanced(by: .seconds($0)) })
        do {
            let outcome = try await Interruption.cancellingOnInterrupt { try await runner.resume(link.localID, options: options) }
            printer.line.finish()
            ContinuationOutput.print(outcome, json: json, simulated: false)
        } catch let error as PipelineError {
            printer.line.finish()
            throw PipelineFailure.report(error, json: json, simulated: false)
        }
    }

    /// Saves an output (see `OutputDownload`), with progress on the status line.
    static func download(_ url: String, to destination: String, line: StatusLine) async throws {
        do {
            try await Interruption.cancellingOnInterrupt {
                try await OutputDownload.fetch(url, to: destination) { line.show(OutputDownload.describe($0)) }
            }
        } catch let failure as OutputDownload.Failure {
            line.finish()
            if failure == .download(.cancelled) { throw APIError.cancelled }
            if case .unwritable = failure { throw Terminal.fail(failure, status: .unusable) }
            throw Terminal.fail(failure, status: .unavailable)
        }
        line.finish()
    }
}
