import Pipeline

/// Pipeline events on standard error: steps as lines, progress on the status line; with `--json`,
/// one JSON object per event instead (`EventJSON`), for scripts that follow a run.
final class EventPrinter: Sendable {
    let line: StatusLine
    /// The client's waits, on the same status line.
    let notices: NoticePrinter
    private let json: Bool

    init(line: StatusLine, json: Bool = false, verbose: Bool = false) {
        self.line = line
        self.json = json
        notices = NoticePrinter(line: line, json: json, verbose: verbose)
    }

    /// Prints `event` of `source` (when the command runs several at once); `progress` shapes the status line.
    func print(_ event: PipelineEvent, source: EventSource? = nil, progress: (String) -> String = { $0 }) {
        if json {
            Terminal.printError(EventJSON.line(event, source: source))
            return
        }
        let prefix = source?.prefix ?? ""
        for text in EventText.lines(event) {
            switch text {
            case .step(let text):
                line.finish()
                Terminal.printError(prefix + text)
            case .progress(let text):
                line.show(progress(text))
            }
        }
    }

    /// A batch line that ended not done, said when it ends (the table at the end says it again):
    /// in a batch of hours, a line refused or failed early is seen then, not only at the end.
    func lineNotDone(_ row: BatchRow) {
        guard let error = row.error else { return }
        if json {
            Terminal.printError(EventJSON.lineNotDone(row))
            return
        }
        line.finish()
        Terminal.printError(EventSource.batchLine(row.line).prefix + "not done (\(row.stateInWords)): " + error)
    }
}
