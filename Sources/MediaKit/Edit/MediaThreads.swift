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

    /// Scans that stand between a user and a submission (the cuts in the part of a clip that is
    /// sent) have slots of their own, one per core: behind a batch's queue of stitches, a line's
    /// check would wait minutes for seconds of work, and its job with it.
    private static let checkSlots = WorkSlots(max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// How many pieces of media work may run at once in this process (one per core).
    static var slotCount: Int { slots.count }

    /// What a piece of media work is for, which decides where it queues.
    enum Lane {
        /// An edit someone waits for (conform, stitch).
        case edit
        /// Work done ahead of need: one at a time, after the edits queued before it.
        case background
        /// A short scan that a submission waits for.
        case check
    }

    /// Runs `work` (blocking media work) on these threads, inside the calling task, once a slot of
    /// its lane is free.
    static func run<T: Sendable, Failure: Error>(_ lane: Lane = .edit, _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        if lane == .background { await ahead.acquire() }
        defer { if lane == .background { ahead.release() } }
        let chosen = lane == .check ? checkSlots : slots
        await chosen.acquire()
        defer { chosen.release() }
        // A check runs on a thread of its own: the media queue's threads are libdispatch's, as
        // many as it sees fit (about one per core), and long edits may hold them all.
        let executor: any TaskExecutor = lane == .check ? OwnThreads.shared : shared
        let threads = lane == .check ? 0 : codecThreads(sharingWith: chosen.busy)
        let result: Result<T, Failure> = await $codecThreads.withValue(threads) {
            do throws(Failure) {
                return .success(try await withTaskExecutorPreference(executor) { () async throws(Failure) -> T in try work() })
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Threads each decoder and encoder of the work running here may use; 0 lets FFmpeg and x264
    /// choose (about one and a half per core). Work that starts while others run shares the cores
    /// with them: each of its codecs gets its share, since several encodes each sized for the whole
    /// machine run no faster together, and every frame thread holds frames of its own (two 720p
    /// stitches at once held ~150 MB each, with one codec thread each ~40 MB less).
    @TaskLocal static var codecThreads: Int32 = 0

    private static func codecThreads(sharingWith running: Int) -> Int32 {
        running > 1 ? Int32(max(1, ProcessInfo.processInfo.activeProcessorCount / running)) : 0
    }

    /// Runs each job on a new thread: for the few short pieces of work that must not wait for a
    /// thread of the media queue.
    private final class OwnThreads: TaskExecutor {
        static let shared = OwnThreads()

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedTaskExecutor()
            DedicatedThread.start { job.runSynchronously(on: executor) }
        }
    }
}
