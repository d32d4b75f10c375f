import ArgumentParser
import Synchronization

/// With `--json`, a failure is also a JSON document on standard output, so a script reading
/// standard output always gets one document: the result, or
/// `{"error": {"code", "message", "exit_status", "details"?}}`. The one line on standard error stays.
///
/// Failures are recorded as they are reported (`Terminal.fail`, `Terminal.report`); the entry
/// point prints the document when the command ends with a non-zero status and printed no JSON
/// document of its own (validate's verdict, say, which is its result whatever it says).
enum FailureDocument {
    private struct State {
        var messages: [String] = []
        var details: (any Encodable & Sendable)?
        var printedDocument = false
    }

    private static let state = Mutex(State())

    static func record(_ message: String) {
        state.withLock { $0.messages.append(message) }
    }

    /// What the failure's document carries beyond its message (an invalid request's verdict).
    static func attach(_ details: any Encodable & Sendable) {
        state.withLock { $0.details = details }
    }

    /// A JSON document went to standard output: it is the command's answer.
    static func notePrintedDocument() {
        state.withLock { $0.printedDocument = true }
    }

    /// Prints the document for a command ending with `status`, when one is owed.
    static func printIfOwed(status: Int32, fallbackMessage: @autoclosure () -> String) {
        guard status != 0 else { return }
        let (messages, details, printed) = state.withLock { ($0.messages, $0.details, $0.printedDocument) }
        guard !printed else { return }
        let message = messages.isEmpty ? fallbackMessage() : messages.joined(separator: "\n")
        let code = ExitStatus(rawValue: status)?.name ?? "error"
        JSONOutput.print(Document(error: Body(code: code, message: message, exitStatus: status, details: details.map(AnyEncodable.init))))
    }

    /// Whether `--json` was asked for: by the parsed command, or (when parsing failed) on the command line.
    static func wanted(by command: (any ParsableCommand)?, arguments: [String] = CommandLine.arguments) -> Bool {
        if let command = command as? any JSONOutputting { return command.json }
        return arguments.prefix { $0 != "--" }.contains("--json")
    }

    private struct Document: Encodable {
        let error: Body
    }

    private struct Body: Encodable {
        let code: String
        let message: String
        let exitStatus: Int32
        let details: AnyEncodable?

        enum CodingKeys: String, CodingKey {
            case code, message, details
            case exitStatus = "exit_status"
        }
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}

/// A command with `--json`: every one of them.
protocol JSONOutputting {
    var json: Bool { get }
}
