import Dispatch
import Support
import Synchronization

/// Where MediaKit's long work (conform, stitch) runs: decoding and x264 encoding hold a thread for
/// seconds, and on Swift's cooperative pool (one thread per core) that would stall every other task
/// of the process: a batch's polls and transfers, even the task that delivers a Ctrl-C. As a task
/// executor, the work still runs inside its task, so cancelling the task stops it (the edit checks
/// between frames).
final class MediaThreads: TaskExecutor {
    static let shared = MediaThreads()

    private let queue = DispatchQueue(label: "kling-media.media", qos: .userInitiated, attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Work done ahead of need (a stitch made while the model works) runs one at a time in a
    /// process, so a batch's preparations never crowd out the work someone waits for.
    ///
    /// Not at a lowered priority: on Linux a thread's nice value cannot be raised back without
    /// privileges, and threads started from a lowered one (the runtime's own workers among them,
    /// when it hands the task back) inherit it, so the whole process would slowly sink.
    private static let ahead = WorkSlots(1)

    /// All media work of the process, ahead or not, at most one per core at once: a batch of 32
    /// jobs whose shots arrive together queues their stitches instead of running 32 encoders
    /// (and holding 32 sets of 1080p frames) at once. Its polls and transfers are not held up:
    /// they are not media work.
    private static let slots = WorkSlots(max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// How many pieces of media work may run at once in this process (one per core).
    static var slotCount: Int { slots.count }

    /// Runs `work` (blocking media work) on these threads, inside the calling task, once a slot is
    /// free; with `background`, after any other background work of this process is done.
    static func run<T: Sendable, Failure: Error>(background: Bool = false, _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        if background { await ahead.acquire() }
        defer { if background { ahead.release() } }
        await slots.acquire()
        defer { slots.release() }
        return try await withTaskExecutorPreference(shared) { () async throws(Failure) -> T in try work() }
    }
}
