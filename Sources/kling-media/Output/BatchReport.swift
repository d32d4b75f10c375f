import Pipeline
import Synchronization

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
        let ids = continuation?.outcome.shots.compactMap(\.requestID?.rawValue).joined(separator: ",") ?? ""
        let detail = continuation.map { $0.outcome.output ?? $0.outcome.shots.map(\.path).joined(separator: ", ") }
            ?? error?.split(separator: "\n").first.map(String.init) ?? ""
        return [String(line), URL(fileURLWithPath: clip).lastPathComponent, stateInWords, ids.isEmpty ? "-" : ids, detail]
    }

    /// `state` as the table says it ("already done", "outcome unknown").
    var stateInWords: String { String(state.map { $0 == "_" ? " " : $0 }) }

    enum CodingKeys: String, CodingKey {
        case line, clip, state, error, continuation
        case exitStatus = "exit_status"
    }
}

struct BatchReport: Encodable {
    let simulated: Bool
    let rows: [BatchRow]
    /// The review page written, when one was.
    var review: String?

    enum CodingKeys: String, CodingKey { case simulated, done, notDone = "not_done", lines, review }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(simulated, forKey: .simulated)
        try container.encode(rows.filter { $0.exitStatus == 0 }.count, forKey: .done)
        try container.encode(rows.filter { $0.exitStatus != 0 }.count, forKey: .notDone)
        try container.encode(rows, forKey: .lines)
        try container.encodeIfPresent(review, forKey: .review)
    }
}
