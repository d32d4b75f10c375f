import ArgumentParser
import Journal
import Pipeline

struct ResumeCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Go on with continuations that were cut off: wait for their jobs, make their remaining shots, stitch.",
        discussion: """
            With an id (a continuation's, or the request id of one of its jobs, or a prefix of either), \
            that continuation; without one, every continuation in the journal that is not done, oldest \
            first. A shot whose job is in flight is waited for, never submitted again; one whose earlier \
            submission lost its answer, or whose job FAILED, stops the continuation with the reason \
            (--resubmit and --retry-failed say to submit it again).

            \(CommandHelp.sections(
                exits: [.success: "every continuation asked for is done", .invalid: nil, .unusable: nil, .jobFailed: nil, .refused: nil,
                   .unavailable: nil, .notFound: nil, .interrupted: nil],
                examples: ["kling-media resume",
                   "kling-media resume 3f2a",
                   "kling-media resume --simulate"]))
            """
    )

    @Argument(help: "A continuation id or a job's request id (or a prefix); none for all that are not done.") var id: String?
    @Flag(help: "Submit again a shot whose earlier job FAILED or expired unfetched.") var retryFailed = false
    @Flag(help: "Submit again a shot whose earlier submission's answer was lost (it may be billed twice).") var resubmit = false
    @OptionGroup var download: DownloadOptions
    @OptionGroup var simulation: SimulationOption
    @Flag(help: "Print JSON: an array of continuations as `continue --json` prints them.") var json = false

    func run() async throws {
        let printer = EventPrinter(line: StatusLine(wanted: true), json: json)
        // Nothing real to resume is nothing to do, not a failure.
        let command = try CommandSession.forJobs("resume", simulate: simulation.simulate, notices: printer.notices, whenNothingReal: .success)
        defer { command.close() }
        let session = command.session
        let simulated = command.isSimulated
        let targets = try continuations(in: session)
        guard !targets.isEmpty else {
            if json { JSONOutput.print([String]()) } else { Terminal.printError("kling-media: nothing to resume: every continuation is done") }
            return
        }
        var options = RunOptions(retryFailed: retryFailed, resubmitUnknown: resubmit)
        options.maxDownloadBytes = download.maxBytes
        var outcomes: [ContinuationOutcome] = []
        var worst: ExitCode?
        for target in targets {
            let runner = session.runner { printer.print($0, source: targets.count > 1 ? .continuation(target.localID) : nil) }
            do {
                outcomes.append(try await Interruption.cancellingOnInterrupt(stop: options.stopWaiting) { [options] in
                    try await runner.resume(target.localID, options: options)
                })
            } catch let error as PipelineError {
                printer.line.finish()
                let status = PipelineFailure.report(error, json: false, simulated: simulated, request: target.request)
                worst = worst ?? status
                if case .cancelled = error { break }
            }
        }
        printer.line.finish()
        if json {
            JSONOutput.print(outcomes.map { ContinuationOutput.Simulated(outcome: $0, simulated: simulated) })
        } else {
            for outcome in outcomes { ContinuationOutput.print(outcome, json: false, simulated: simulated) }
        }
        if let worst { throw worst }
    }

    /// The one continuation `id` names (its own id, or a job of it, or a prefix of either); with no
    /// id, every one not done, oldest first.
    private func continuations(in session: Session) throws -> [ContinuationRecord] {
        guard let id else {
            do { return try session.continuations.all().filter { $0.state != .done }.reversed() } catch {
                throw Terminal.fail(error, status: .unusable)
            }
        }
        let matches = session.continuations.matching(prefix: id)
        if matches.count == 1 { return matches }
        if matches.count > 1 { throw Terminal.fail(JournalError.ambiguous(id, matches.count), status: .unusable) }
        let job: JobRecord
        do { job = try session.journal.find(id) } catch { throw Terminal.fail(error, status: .unusable) }
        let named = job.requestID?.rawValue ?? id
        guard let link = job.continuation else {
            Terminal.reportFailure("job \(named) is not part of a continuation; `kling-media wait \(named)` fetches it")
            throw ExitStatus.unusable.code
        }
        do { return [try session.continuations.record(localID: link.localID)] } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }
}
