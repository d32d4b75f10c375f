/// A thread of its own for work that blocks (a libcurl transfer, a read that waits for a signal).
///
/// Not a dispatch queue: libdispatch's pool grows only as it sees fit, and on a busy 2-core
/// machine a blocked worker can leave other queued work (the delivery of a Ctrl-C among it)
/// waiting for the blocking call to end. A transfer or a listener holds its own thread instead.
public enum DedicatedThread {
    /// Starts `body` on a new detached thread, or (no thread to be had) runs it here rather than never.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        if !startIfPossible(body) { body() }
    }

    /// Starts `body` on a new detached thread; false, and `body` not run, when the system gives no
    /// thread: for work that must not run on the caller's (it waits for the caller).
    @discardableResult
    public static func startIfPossible(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = ThreadHandle()
        let created = pthread_create(&thread, nil, { context in
            DedicatedThread.run(box: context)
            return nil
        }, box)
        guard created == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return false
        }
        detach(thread)
        return true
    }

    /// Runs blocking `work` on a thread of its own and returns its result to the awaiting task.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: work()) }
        }
    }

    /// The new thread's start: the body handed over in `start`, run once.
    private static func run(box context: UnsafeMutableRawPointer?) {
        guard let context else { return }
        Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
    }

    private final class Body: @unchecked Sendable {
        // Set once; run once, on the new thread.
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
