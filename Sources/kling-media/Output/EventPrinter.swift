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
        notices = NoticePrinter(line: line, verbose: verbose)
    }

    /// Prints `event`; `prefix` goes before each step ("[line 3] "), `progress` shapes the status line.
    func print(_ event: PipelineEvent, prefix: String = "", progress: (String) -> String = { $0 }) {
        if json {
            Terminal.printError(EventJSON.line(event))
            return
        }
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
}
