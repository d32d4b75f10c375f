import Support
import Synchronization

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

        /// What stopped the line, if something did.
        public var failure: String? {
            if case .failure(let error) = outcome { return error.description }
            return nil
        }
    }

    /// Runs every line; `events` hears each line's events with its number; `finished` each result
    /// as it comes. Results return in the file's order.
    ///
    /// `concurrency` counts lines at Segmind: a line gives its place to the next once its last
    /// job is done there (its download is local work), and downloads and stitches meanwhile, as
    /// media work is scheduled (at most one piece per core, `MediaThreads`). So shots arriving together queue for the cores while the next jobs
    /// are already submitted and polled. Only so many lines (two per core) wait to stitch this way:
    /// past that, a line keeps its place until it is done, so a machine slower at stitching than
    /// the plan is at making shots holds a bounded queue, not the whole batch.
    ///
    /// The next line waiting for a place is made ready meanwhile (`readyAhead`): checked and its
    /// files uploaded, so that when a place frees up its job is submitted at once.
    public func run(_ lines: [BatchLine], events: @escaping @Sendable (Int, PipelineEvent) -> Void,
                    finished: @escaping @Sendable (Result) -> Void = { _ in }) async -> [Result] {
        let atSegmind = WorkSlots(concurrency)
        let stitchQueue = WorkSlots(2 * max(1, ProcessInfo.processInfo.activeProcessorCount))
        var results: [Int: Result] = [:]
        await withTaskGroup(of: Result?.self) { group in
            for line in lines {
                // In the file's order: a line starts when one before it is done at Segmind.
                if !atSegmind.tryAcquire() {
                    let session = session
                    group.addTask {
                        await Self.readyAhead(line.request, session: session) { events(line.number, $0) }
                        return nil
                    }
                    await atSegmind.acquire()
                }
                if Task.isCancelled {
                    atSegmind.release()
                    break
                }
                let place = Place(atSegmind, queue: stitchQueue)
                let runner = session.runner { event in
                    if let shot = Self.lastJobDone(event), shot.shot == shot.of { place.moveToStitchQueue() }
                    events(line.number, event)
                }
                let options = options
                group.addTask {
                    defer { place.leave() }
                    let result: Result
                    do throws(PipelineError) {
                        result = Result(line: line, outcome: .success(try await runner.start(line.request, options: options)))
                    } catch {
                        result = Result(line: line, outcome: .failure(error))
                    }
                    finished(result)
                    return result
                }
            }
            for await result in group { if let result { results[result.line.number] = result } }
        }
        return lines.compactMap { results[$0.number] }
    }

    /// The shot whose job `event` says is done at Segmind: completed, or (a job that finished in an
    /// earlier run) saved.
    private static func lastJobDone(_ event: PipelineEvent) -> ShotNumber? {
        switch event {
        case .job(let shot, .completed), .saved(let shot, _, _), .savedEarlier(let shot, _): shot
        default: nil
        }
    }

    /// What a line will send first, made ready while it waits for its place at Segmind: its
    /// request checked, and its files uploaded (once for the run: the line's own upload then finds
    /// them there), so the place is not held idle for an upload, seconds to a minute for a 1080p
    /// clip against Kling's 224 s a job. Only a clip sent as it is: one that must be cut or
    /// conformed first is media work, queued by the cores when the line starts; and a line the
    /// journal knows (a batch run again) goes on from there, mostly with nothing to upload.
    /// The uploads are the line's events (their progress, then what became of each file: a large
    /// clip on a slow link is not a silent minute); failures are not: a request that fails its
    /// check fails when its line starts, and an upload that fails is tried again then.
    static func readyAhead(_ request: ContinuationRequest, session: Session, events: @escaping @Sendable (PipelineEvent) -> Void) async {
        guard let check = try? await ContinuationCheck(request), check.preparation == nil, !Task.isCancelled,
              let hashes = try? ContinuationRunner.contentHashes(request),
              (try? session.continuations.newest(key: request.key(contentHashes: hashes))) == nil else { return }
        // The files go with the first shot.
        let shot = ShotNumber(1, of: request.shots)
        for input in [request.source] + request.references + request.elements.joined() {
            guard !Task.isCancelled else { return }
            _ = try? await session.uploads.url(for: input, shot: shot, events: events)
        }
    }

    /// A line's place at Segmind, given up once: for a place in the stitch queue when its last job
    /// is done there (if the queue has room), or when it ends.
    private final class Place: Sendable {
        private let atSegmind: WorkSlots
        private let queue: WorkSlots
        private let heldAtSegmind = Atomic<Bool>(true)
        private let heldInQueue = Atomic<Bool>(false)

        init(_ atSegmind: WorkSlots, queue: WorkSlots) {
            self.atSegmind = atSegmind
            self.queue = queue
        }

        func moveToStitchQueue() {
            guard heldAtSegmind.load(ordering: .acquiring), queue.tryAcquire() else { return }
            heldInQueue.store(true, ordering: .releasing)
            if heldAtSegmind.exchange(false, ordering: .acquiringAndReleasing) { atSegmind.release() }
        }

        func leave() {
            if heldAtSegmind.exchange(false, ordering: .acquiringAndReleasing) { atSegmind.release() }
            if heldInQueue.exchange(false, ordering: .acquiringAndReleasing) { queue.release() }
        }
    }
}
