import Synchronization
import SystemPackage

/// SIGINT, SIGTERM and SIGHUP (the terminal closed, an SSH session dropped: by default it ended a
/// run between a POST that had left and its answer), turned into calls on an ordinary thread: the
/// handler only writes a byte to a pipe (all a signal handler may safely do), and a thread reading
/// the pipe calls the listener.
///
/// A real handler, not SIG_IGN plus a dispatch source: a signal whose disposition is "ignore" is
/// discarded by the kernel unless every thread blocks it, so under load a Ctrl-C could vanish.
public enum SignalPipe {
    /// Made (and its reader started) before any handler can run: the handler reads only this.
    fileprivate static let writeEnd: Int32 = {
        guard let (readEnd, writeEnd) = try? FileDescriptor.pipe() else { return -1 }
        for end in [readEnd, writeEnd] { _ = fcntl(end.rawValue, F_SETFD, FD_CLOEXEC) }
        // A thread of its own, blocked in read() for the life of the process: never waiting
        // for a busy pool to hand it one. Never the caller's (it would block there for good).
        let reading = DedicatedThread.startIfPossible {
            var byte: [UInt8] = [0]
            while (try? byte.withUnsafeMutableBytes { try readEnd.read(into: $0) }) == 1 {
                let callback = listener.withLock { $0 }
                callback?()
            }
        }
        guard reading else {
            try? readEnd.close()
            try? writeEnd.close()
            return -1
        }
        return writeEnd.rawValue
    }()

    private static let listener = Mutex<(@Sendable () -> Void)?>(nil)

    /// The signals listened for: SIGTERM, and SIGINT and SIGHUP unless this process started with
    /// them ignored. Those two are ignored on purpose and stay so: `nohup` ignores SIGHUP so that a
    /// run outlives its terminal, and a shell without job control ignores SIGINT for what it starts
    /// with `&` so that a Ctrl-C meant for the foreground leaves it be. SIGTERM is a request to stop
    /// whoever sends it; one ignored is inherited by accident (test runners pass it on), not asked
    /// for. (Asked once, before any handler of ours is set.)
    private static let handled: [Int32] = [SIGTERM] + [SIGINT, SIGHUP].filter { !startedIgnoring($0) }

    private static func startedIgnoring(_ number: Int32) -> Bool {
        let previous = signal(number, SIG_IGN)
        signal(number, previous)
        return unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Without a pipe and its reader (no thread to be had), the signals keep their default: they
    /// end the process, rather than be swallowed by a handler nobody hears.
    public static func listen(_ callback: @escaping @Sendable () -> Void) {
        guard writeEnd >= 0 else { return }
        listener.withLock { $0 = callback }
        for number in handled { signal(number, signalPipeHandler) }
    }

    public static func stopListening() {
        for number in handled { signal(number, SIG_DFL) }
        listener.withLock { $0 = nil }
    }
}

private let signalPipeHandler: @convention(c) (Int32) -> Void = { _ in
    var byte: UInt8 = 1
    _ = write(SignalPipe.writeEnd, &byte, 1)
}
