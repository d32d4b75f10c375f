import NIOCore
import NIOPosix

/// Runs the tasks that prefer it on NIO's event-loop threads instead of Swift's cooperative pool.
///
/// The simulator answers on these threads because a real server is another machine: its answers
/// never wait for the client's own work. In the tests' process the cooperative pool is every
/// test's (two threads on a 2-core machine), and a test that decodes or encodes synchronously holds
/// one for seconds; under a full run, answers queued behind such work reached clients after their
/// 60 s patience, and a submission that may have been taken is (rightly) never sent again.
/// Handlers here must not block for long: they read request bodies and files whole (an output of a
/// few MB, from the page cache, in milliseconds); renders go to threads of their own.
public final class EventLoopTaskExecutor: TaskExecutor {
    /// One for the process: `asUnownedTaskExecutor()` references it without keeping it alive.
    public static let shared = EventLoopTaskExecutor(group: MultiThreadedEventLoopGroup.singleton)

    private let group: any EventLoopGroup

    init(group: any EventLoopGroup) {
        self.group = group
    }

    /// An executor with `threads` event loops of its own, for work that must not share the
    /// simulator's (keep it alive as long as tasks may prefer it).
    public convenience init(threads: Int) {
        self.init(group: MultiThreadedEventLoopGroup(numberOfThreads: threads))
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.next().execute { job.runSynchronously(on: executor) }
    }
}
