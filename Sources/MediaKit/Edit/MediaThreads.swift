import Dispatch
import Support

/// Where MediaKit's long work (conform, stitch) runs: decoding and x264 encoding hold a thread for
/// seconds, and on Swift's cooperative pool (one thread per core) that would stall every other task
/// of the process: a batch's polls and transfers, even the task that delivers a Ctrl-C. As a task
/// executor, the work still runs inside its task, so cancelling the task stops it (the edit checks
/// between frames).
final class MediaThreads: TaskExecutor {
    static let shared = MediaThreads(background: false)
    /// For work done ahead of need (a stitch prepared while the model works): it yields the CPU
    /// to everything else, so it never delays a poll, a transfer or a stitch someone waits for.
    static let background = MediaThreads(background: true)

    private let queue: DispatchQueue
    private let background: Bool

    private init(background: Bool) {
        self.background = background
        queue = DispatchQueue(label: background ? "kling-media.media.background" : "kling-media.media",
                              qos: background ? .utility : .userInitiated, attributes: .concurrent)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        guard background else {
            queue.async { job.runSynchronously(on: executor) }
            return
        }
        // A thread of its own, lowered and then gone: Linux ignores dispatch's QoS, a thread's nice
        // value is its own there (the encoder's threads started from it inherit it), and it cannot
        // be raised back, so a lowered thread must not return to a shared pool.
        DedicatedThread.start {
            ThreadPriority.lower()
            job.runSynchronously(on: executor)
        }
    }

    /// Runs `work` (blocking media work) on these threads, inside the calling task.
    static func run<T: Sendable, Failure: Error>(background: Bool = false, _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        try await withTaskExecutorPreference(background ? Self.background : shared) { () async throws(Failure) -> T in try work() }
    }
}

/// The calling thread's scheduling priority.
enum ThreadPriority {
    /// Nice 10 for this thread alone: on Linux, `PRIO_PROCESS` with id 0 is the calling thread.
    static func lower() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #else
        _ = setpriority(PRIO_DARWIN_THREAD, 0, PRIO_DARWIN_BG)
        #endif
    }
}
