import Dispatch

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

    /// Runs `work` (blocking media work) on these threads, inside the calling task.
    static func run<T: Sendable, Failure: Error>(_ work: () throws(Failure) -> T) async throws(Failure) -> T {
        try await withTaskExecutorPreference(shared) { () async throws(Failure) -> T in try work() }
    }
}
