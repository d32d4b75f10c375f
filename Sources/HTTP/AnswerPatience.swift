import Synchronization

/// What a request that must not be lost does when its task is cancelled (Ctrl-C) after any of it
/// may have reached the server: a submission that left may have started a billed job, so instead
/// of dropping the connection it keeps waiting for the answer, which carries the job's id.
///
/// It waits at most `seconds`, or until `stop` is stopped (a second Ctrl-C); `onWaiting` hears,
/// once, that it has begun waiting. A request cancelled before any byte left is dropped at once:
/// nothing can have happened at the server.
public struct AnswerPatience: Sendable {
    public var seconds: Double
    public let stop: StopSignal
    public var onWaiting: @Sendable () -> Void

    public init(seconds: Double = 15, stop: StopSignal = StopSignal(), onWaiting: @escaping @Sendable () -> Void = {}) {
        self.seconds = seconds
        self.stop = stop
        self.onWaiting = onWaiting
    }
}

/// A one-way switch, safe from any thread (a signal handler's queue, libcurl's thread): once
/// stopped, it stays stopped. The CLI stops it on the second Ctrl-C.
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)

    public init() {}

    public func stop() { stopped.store(true, ordering: .relaxed) }
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }
}
