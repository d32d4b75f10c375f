import Support

/// Where each piece of media work queues, and how many run at once: the process has one set
/// (`MediaThreads.lanes`); a test makes its own, so other tests' work never stands in its way.
struct MediaLanes: Sendable {
    /// What a piece of media work is for, which decides where it queues.
    enum Lane: Sendable {
        /// An edit someone waits for (conform, stitch).
        case edit
        /// A short scan that a submission waits for.
        case check
    }

    private let cores: Int

    /// Work done ahead of need (a stitch made while the model works) runs one at a time in a
    /// process, and alone, on cores no edit wants: it takes every media slot, lets edits that ask
    /// after it go first, and gives up its place in the line when it is cancelled (its shot came).
    /// Beside an edit it would only slow it, and a batch's peak memory would be two encodes'
    /// whenever a shot came in while the next line's stitch was made ahead (at `--concurrency` 32,
    /// nearly always; at 2, seldom): 1.3× the peak at 2, where alone it is the same. Waiting in
    /// line for every slot, though, it would hold the cores idle while the edits before it finish.
    ///
    /// Not at a lowered priority: on Linux a thread's nice value cannot be raised back without
    /// privileges, and threads started from a lowered one (the runtime's own workers among them,
    /// when it hands the task back) inherit it, so the whole process would slowly sink.
    private let ahead = WorkSlots(1)

    /// All media work of the process, ahead or not, at most one per core at once: a batch of 32
    /// jobs whose shots arrive together queues their stitches instead of running 32 encoders
    /// (and holding 32 sets of 1080p frames) at once. Its polls and transfers are not held up:
    /// they are not media work.
    private let slots: WorkSlots

    /// Scans that stand between a user and a submission (the cuts in the part of a clip that is
    /// sent) have slots of their own, one per core: behind a batch's queue of stitches, a line's
    /// check would wait minutes for seconds of work, and its job with it.
    private let checkSlots: WorkSlots

    /// Where edits and work done ahead run.
    private let executor: any TaskExecutor

    /// Lanes for a machine of `cores` cores: that many pieces of media work at once, and as many
    /// checks. Edits run on `executor`: the media queue, or for a test's lanes threads of their own
    /// (the queue's threads are libdispatch's, about one per core, and other tests' work holds them).
    init(cores: Int, executor: any TaskExecutor = MediaThreads.shared) {
        self.cores = max(1, cores)
        self.executor = executor
        slots = WorkSlots(self.cores)
        checkSlots = WorkSlots(self.cores)
    }

    /// Runs `work` (blocking media work) on MediaKit's threads, inside the calling task, once a
    /// slot of its lane is free.
    func run<T: Sendable, Failure: Error>(_ lane: Lane, _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        let chosen = lane == .check ? checkSlots : slots
        await chosen.acquire()
        defer { chosen.release() }
        // A check runs on a thread of its own: the media queue's threads are libdispatch's, as
        // many as it sees fit (about one per core), and long edits may hold them all.
        return try await run(on: lane == .check ? MediaThreads.OwnThreads.shared : executor,
                             threads: lane == .edit ? codecThreads(sharingWith: chosen.busy) : 0, work)
    }

    /// Runs `work`, done ahead of need, alone once no edit wants the cores; `.cancelled` when the
    /// task is cancelled before its turn.
    func runAhead<T: Sendable>(_ work: () throws(EditError) -> T) async throws(EditError) -> T {
        guard await ahead.acquireYielding(1) else { throw .cancelled }
        defer { ahead.release() }
        guard await slots.acquireYielding(slots.count) else { throw .cancelled }
        defer { slots.release(slots.count) }
        return try await run(on: executor, threads: 0, work)
    }

    private func run<T: Sendable, Failure: Error>(on executor: any TaskExecutor, threads: Int32,
                                                  _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        let result: Result<T, Failure> = await MediaThreads.$codecThreads.withValue(threads) {
            do throws(Failure) {
                return .success(try await withTaskExecutorPreference(executor) { () async throws(Failure) -> T in try work() })
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// An edit's share of the cores when `running` pieces of work (itself among them) hold slots;
    /// alone, 0: FFmpeg and x264 choose.
    private func codecThreads(sharingWith running: Int) -> Int32 {
        running > 1 ? Int32(max(1, cores / running)) : 0
    }
}
