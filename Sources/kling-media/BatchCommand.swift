import ArgumentParser
import FoundationEssentials
import Pipeline
import Synchronization
import Uploader

struct BatchCommand: AsyncParsableCommand {
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

            Exit status: 0 when every line is done; otherwise that of the first line that is not \
            (see below), or 130 when interrupted.

            \(ExitStatus.summary)
            """
    )

    @Argument(help: "The batch file (JSON Lines).") var file: String
    @Option(help: "Continuations run at once (1 to 64).") var concurrency = 4
    @Flag(help: "Run against the built-in simulator even when an API key is set.") var simulate = false
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
        let printer = EventPrinter(line: StatusLine(wanted: true))
        let session = try PipelineSession.open(simulate: simulate, notices: printer.notices)
        defer { session.close() }
        var options = RunOptions(retryFailed: retryFailed, resubmitUnknown: resubmit)
        options.maxDownloadBytes = download.maxBytes
        let runner = BatchRunner(client: session.client, journal: session.journal, uploads: session.uploads,
                                 concurrency: concurrency, options: options)
        let tally = BatchTally(total: lines.count)
        let results = try await Interruption.cancellingOnInterrupt(stop: options.stopWaiting) { [runner] in
            await runner.run(lines, events: { number, event in
                switch event {
                case .step(let text): printer.print(.step(text), prefix: "[line \(number)] ")
                case .progress(let text): printer.print(.progress(tally.summary + "; line \(number): " + text))
                }
            }, finished: { result in
                tally.count(result)
                printer.print(.progress(tally.summary))
            })
        }
        printer.line.finish()
        let rows = results.map { BatchRow($0, simulated: session.isSimulated) }
        if json {
            JSONOutput.print(BatchReport(simulated: session.isSimulated, rows: rows))
        } else {
            Terminal.print(Table.render(header: ["LINE", "CLIP", "RESULT", "REQUEST IDS", "OUTPUT OR REASON"], rows: rows.map(\.cells)))
            let notDone = rows.filter { $0.exitStatus != 0 }.count
            Terminal.print("\(rows.count - notDone) of \(lines.count) done" + (notDone > 0 ? "; \(notDone) not done (run the batch again to go on)" : ""))
        }
        if let first = rows.first(where: { $0.exitStatus != 0 }) {
            let interrupted = rows.contains { $0.exitStatus == ExitStatus.interrupted.rawValue }
            throw ExitCode(interrupted ? ExitStatus.interrupted.rawValue : first.exitStatus)
        }
    }
}

/// Lines done and not done so far, for the status line.
final class BatchTally: Sendable {
    private let counts = Mutex((done: 0, failed: 0))
    private let total: Int

    init(total: Int) { self.total = total }

    func count(_ result: BatchRunner.Result) {
        counts.withLock { counts in
            if case .success = result.outcome { counts.done += 1 } else { counts.failed += 1 }
        }
    }

    var summary: String {
        counts.withLock { "batch: \($0.done) of \(total) done" + ($0.failed > 0 ? ", \($0.failed) not done" : "") }
    }
}

/// One line's result, as the table and the JSON show it.
struct BatchRow: Encodable {
    let line: Int
    let clip: String
    let state: String
    let exitStatus: Int32
    let error: String?
    let continuation: ContinuationOutput.Simulated?

    init(_ result: BatchRunner.Result, simulated: Bool) {
        line = result.line.number
        clip = result.line.request.source
        switch result.outcome {
        case .success(let outcome):
            state = outcome.alreadyDone ? "already_done" : "done"
            exitStatus = 0
            error = nil
            continuation = ContinuationOutput.Simulated(outcome: outcome, simulated: simulated)
        case .failure(let failure):
            let status = ExitStatus(failure)
            state = status.name
            exitStatus = status.rawValue
            error = failure.description
            continuation = nil
        }
    }

    var cells: [String] {
        let ids = continuation?.outcome.shots.compactMap(\.requestID).joined(separator: ",") ?? ""
        let detail = continuation.map { $0.outcome.output ?? $0.outcome.shots.map(\.path).joined(separator: ", ") }
            ?? error?.split(separator: "\n").first.map(String.init) ?? ""
        return [String(line), URL(fileURLWithPath: clip).lastPathComponent, state.replacingUnderscores, ids.isEmpty ? "-" : ids, detail]
    }

    enum CodingKeys: String, CodingKey {
        case line, clip, state, error, continuation
        case exitStatus = "exit_status"
    }
}

struct BatchReport: Encodable {
    let simulated: Bool
    let rows: [BatchRow]

    enum CodingKeys: String, CodingKey { case simulated, done, notDone = "not_done", lines }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(simulated, forKey: .simulated)
        try container.encode(rows.filter { $0.exitStatus == 0 }.count, forKey: .done)
        try container.encode(rows.filter { $0.exitStatus != 0 }.count, forKey: .notDone)
        try container.encode(rows, forKey: .lines)
    }
}

extension ExitStatus {
    /// A word for the status, for tables and JSON.
    var name: String {
        switch self {
        case .success: "done"
        case .invalid: "invalid"
        case .unusable: "unusable"
        case .jobFailed: "failed"
        case .refused: "refused"
        case .unavailable: "unfinished"
        case .notFound: "expired"
        case .interrupted: "interrupted"
        }
    }
}

private extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
