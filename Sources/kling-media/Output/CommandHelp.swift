/// The closing sections of a command's `--help`: the exit statuses that command can return (not
/// every status the tool has) and a few real command lines, as `gh` and `aws` print them.
enum CommandHelp {
    /// `exits`: the statuses this command returns, each with its meaning for this command (nil
    /// for the shared one).
    static func sections(exits: KeyValuePairs<ExitStatus, String?>, examples: [String]) -> String {
        let statuses = exits.map { status, meaning in
            let code = String(status.rawValue)
            return wrapped(meaning ?? status.meaning, first: "  " + code + String(repeating: " ", count: max(1, 5 - code.count)),
                           rest: String(repeating: " ", count: 7))
        }
        // Examples are kept short enough for one line: a command line broken by the wrapping
        // would not run as printed.
        let lines = examples.map { "  " + $0 }
        return "EXIT STATUS\n" + statuses.joined(separator: "\n") + "\n\nEXAMPLES\n" + lines.joined(separator: "\n")
    }

    /// Lines of at most `width` characters (help is read on an 80-column terminal, and
    /// ArgumentParser would wrap a longer one flush left, losing the indentation).
    private static func wrapped(_ text: String, first: String, rest: String, width: Int = 79) -> String {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        return (lines + [line]).joined(separator: "\n")
    }
}

extension ExitStatus {
    /// What the status means, said once for every command that can return it.
    var meaning: String {
        switch self {
        case .success: "done"
        case .invalid: "the model would reject the input (checked here, or Segmind's 400)"
        case .unusable: "unusable arguments or input that cannot be read, an output that exists (without --overwrite), no API key"
        case .jobFailed: "the job FAILED; Segmind's reason is printed"
        case .refused: "Segmind refused the key, the account or the model (401, 403, 406, 410)"
        case .unavailable: "not finished for now (network, rate limit, server errors, deadline, or a submission whose answer was lost): the journal keeps the job"
        case .notFound: "Segmind does not know the request id (unknown, or its record expired)"
        case .interrupted: "interrupted (Ctrl-C); what was sent goes on, and the message says how to pick it up"
        }
    }
}
