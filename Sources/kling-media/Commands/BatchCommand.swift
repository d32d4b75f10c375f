import ArgumentParser
import Pipeline
import Synchronization

struct BatchCommand: AsyncParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Run many continuations from a JSON Lines file, N at a time, and sum them up.",
        discussion: """
            One continuation per line, with the options of `continue`:
              {"clip": "shot1.mp4", "refs": ["hero.png"], "prompt": "Based on @Video1, …", "duration": 5}
            Keys: clip and prompt (or prompt_file) are required; refs, elements ([[frontal, ref…], …]), \
            duration, aspect, keep_audio, output, no_stitch, shots, tail, conform, crossfade are optional. \
            Relative paths are from the file's folder; blank lines and lines starting with # are skipped. \
            Every line is read first: a file with faults runs nothing and names them all.

            The lines run in this one process, --concurrency at a time: they share the key's request \
            budget (SEGMIND_REQUESTS_PER_MINUTE; a 429 pauses them all until its reset) and the uploads \
            (a file used by many lines goes up once). Run the same batch again after a crash or Ctrl-C and \
            each line goes on where it stood: finished lines are not redone, jobs in flight are waited \
            for, never submitted twice. It ends with a table (or --json) of every line.

            Exit status: 0 when every line is done; otherwise that of the first line that is not, or \
            130 when interrupted.

            \(CommandHelp.sections(
                exits: [.success: "every line is done", .invalid: "the first line not done was rejected (see each line's status)",
                   .unusable: "the batch file has faults (every one is named; nothing ran), or a line's input cannot be read",
                   .jobFailed: nil, .refused: nil, .unavailable: nil, .notFound: nil,
                   .interrupted: "interrupted (Ctrl-C); run the same batch again to go on"],
                examples: ["kling-media batch shots.jsonl",
                   "kling-media batch shots.jsonl --concurrency 8 --json > report.json",
                   "SEGMIND_REQUESTS_PER_MINUTE=30 kling-media batch shots.jsonl"]))
            """
    )

    @Argument(help: "The batch file (JSON Lines).") var file: String
    @Option(help: "Continuations run at once (1 to 64).") var concurrency = 4
    @Flag(help: "Run against the built-in simulator even when an API key is set.") var simulate = false
    @Flag(help: "Say the request budget (the rate learned for this key) as it starts, and every wait for it.") var verbose = false
    @Flag(help: "Stitch only after each shot arrives, not ahead while the model works.") var noStitchAhead = false
    @Flag(help: "Write no seam sheets (RESULT.seams.png) and no joint scores.") var noSeams = false
    @Flag(help: "Write no review.html beside the batch file.") var noReview = false
    @Flag(help: "Submit again shots whose earlier jobs FAILED or expired unfetched.") var retryFailed = false
    @Flag(help: "Submit again shots whose earlier submissions lost their answer (they may be billed twice).") var resubmit = false
    @OptionGroup var download: DownloadOptions
    @Flag(help: "Print JSON: {simulated, done, not_done, lines: [{line, clip, state, exit_status, error, continuation}]}.")
    var json = false

    func validate() throws {
        if !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be 1 to 64") }
    }

    func run() async throws {
        let lines: [BatchLine]
        do { lines = try BatchFile.read(file) } catch { throw Terminal.fail(error, status: .unusable) }
        let printer = EventPrinter(line: StatusLine(wanted: true), json: json, verbose: verbose)
        let session = try CommandSession.open(simulate: simulate, notices: printer.notices)
        defer { session.close() }
        if verbose { await BudgetReport.say(session.session.client) }
        var options = RunOptions(retryFailed: retryFailed, resubmitUnknown: resubmit)
        options.stitchAhead = !noStitchAhead
        options.seams = !noSeams
        options.maxDownloadBytes = download.maxBytes
        let runner = BatchRunner(session: session.session, concurrency: concurrency, options: options)
        let tally = BatchTally(total: lines.count)
        let page = reviewPage
        let cardsAhead = noReview ? nil : (try? ReviewWriter.files(beside: page)).map { files in
            ReviewCardsAhead(builder: ReviewBuilder(continuations: session.session.continuations, journal: session.session.journal, files: files))
        }
        let results = try await Interruption.cancellingOnInterrupt(stop: options.stopWaiting) { [runner] in
            await runner.run(lines, events: { number, event in
                printer.print(event, source: .batchLine(number)) { tally.summary + "; line \(number): " + $0 }
            }, finished: { result in
                tally.count(result)
                printer.lineNotDone(BatchRow(result, simulated: session.isSimulated))
                cardsAhead?.start(result.line, failure: result.failure)
                printer.line.show(tally.summary)
            })
        }
        printer.line.finish()
        let rows = results.map { BatchRow($0, simulated: session.isSimulated) }
        let review = noReview ? nil : await writeReview(page, lines: lines, results: results, cardsAhead: cardsAhead,
                                                        session: session.session, notices: printer.notices)
        if json {
            JSONOutput.print(BatchReport(simulated: session.isSimulated, rows: rows, review: review))
        } else {
            if let review { Terminal.printError("review page: \(review)") }
            Terminal.print(Table.render(header: ["LINE", "CLIP", "RESULT", "REQUEST IDS", "OUTPUT OR REASON"], rows: rows.map(\.cells)))
            let notDone = rows.filter { $0.exitStatus != 0 }.count
            Terminal.print("\(rows.count - notDone) of \(lines.count) done" + (notDone > 0 ? "; \(notDone) not done (run the batch again to go on)" : ""))
        }
        if let first = rows.first(where: { $0.exitStatus != 0 }) {
            let interrupted = rows.contains { $0.exitStatus == ExitStatus.interrupted.rawValue }
            throw ExitCode(interrupted ? ExitStatus.interrupted.rawValue : first.exitStatus)
        }
    }

    /// review.html beside the batch file.
    private var reviewPage: String {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("review.html").path
    }

    /// The review page: a card per line, most made as their lines finished (`cardsAhead`). A page
    /// that cannot be written is said, not a failure of the batch (its results are made).
    private func writeReview(_ page: String, lines: [BatchLine], results: [BatchRunner.Result], cardsAhead: ReviewCardsAhead?,
                             session: Session, notices: NoticePrinter) async -> String? {
        var failures: [Int: String] = [:]
        for result in results { if let failure = result.failure { failures[result.line.number] = failure } }
        do {
            let written = try await ReviewWriter.write(page: page, title: "kling-media batch: \(file)", continuations: session.continuations,
                                                       journal: session.journal) { builder in
                await builder.cards(for: lines, failures: failures, madeAhead: cardsAhead)
            }
            return written.page
        } catch {
            notices.say("no_review_page", "warning: no review page: \(page): \(error)", facts: ["page": .string(page)])
            return nil
        }
    }
}
