/// Runs a batch's continuations, `concurrency` at a time, in one process: they share the key's
/// request budget (a 429 pauses them all until its reset), the uploads (a file used by many lines
/// goes up once), and the journal (a batch run again goes on where each line stood: finished
/// lines are not redone, jobs in flight are waited for, not submitted again).
public struct BatchRunner: Sendable {
    public let session: Session
    public let concurrency: Int
    public let options: RunOptions

    public init(session: Session, concurrency: Int, options: RunOptions = RunOptions()) {
        self.session = session
        self.concurrency = max(1, concurrency)
        self.options = options
    }

    /// One line's outcome.
    public struct Result: Sendable {
        public let line: BatchLine
        public let outcome: Swift.Result<ContinuationOutcome, PipelineError>
    }

    /// Runs every line; `events` hears each line's events with its number; `finished` each result
    /// as it comes. Results return in the file's order.
    public func run(_ lines: [BatchLine], events: @escaping @Sendable (Int, PipelineEvent) -> Void,
                    finished: @escaping @Sendable (Result) -> Void = { _ in }) async -> [Result] {
        var results: [Int: Result] = [:]
        await withTaskGroup(of: Result.self) { group in
            var pending = lines[...]
            func startNext() {
                guard let line = pending.popFirst() else { return }
                let runner = session.runner { events(line.number, $0) }
                let options = options
                group.addTask {
                    do throws(PipelineError) {
                        return Result(line: line, outcome: .success(try await runner.start(line.request, options: options)))
                    } catch {
                        return Result(line: line, outcome: .failure(error))
                    }
                }
            }
            for _ in 0..<concurrency { startNext() }
            for await result in group {
                results[result.line.number] = result
                finished(result)
                if !Task.isCancelled { startNext() }
            }
        }
        return lines.compactMap { results[$0.number] }
    }
}
