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

    /// The process's lanes, sized to its cores.
    static let lanes = MediaLanes(cores: ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `work` (blocking media work) on these threads, inside the calling task, once a slot of
    /// its lane is free.
    static func run<T: Sendable, Failure: Error>(_ lane: MediaLanes.Lane = .edit, _ work: () throws(Failure) -> T) async throws(Failure) -> T {
        try await lanes.run(lane, work)
    }

    /// Runs `work`, done ahead of need, alone when no edit wants the cores (`MediaLanes.runAhead`).
    static func runAhead<T: Sendable>(_ work: () throws(EditError) -> T) async throws(EditError) -> T {
        try await lanes.runAhead(work)
    }

    /// Threads each decoder and encoder of the work running here may use; 0 lets FFmpeg and x264
    /// choose (about one and a half per core). Work that starts while others run shares the cores
    /// with them: each of its codecs gets its share, since several encodes each sized for the whole
    /// machine run no faster together, and every frame thread holds frames of its own (two 720p
    /// stitches at once held ~150 MB each, with one codec thread each ~40 MB less).
    @TaskLocal static var codecThreads: Int32 = 0

    /// Single-threaded decoders the work running here may run side by side: its share of the
    /// cores (all of them when it runs alone).
    static var decoderShare: Int {
        codecThreads > 0 ? Int(codecThreads) : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Runs each job on a new thread: for the few short pieces of work that must not wait for a
    /// thread of the media queue.
    final class OwnThreads: TaskExecutor {
        static let shared = OwnThreads()

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedTaskExecutor()
            DedicatedThread.start { job.runSynchronously(on: executor) }
        }
    }
}
