import HTTP
import Support
import Synchronization
import SystemPackage

/// Ctrl-C (or SIGTERM, or SIGHUP) cancels the work in hand (which then saves its state and says how to
/// resume) instead of killing the process mid-write. A submission whose POST may have left keeps
/// waiting for its answer after the first; the second stops that wait (`stop`).
enum Interruption {
    static func cancellingOnInterrupt<T: Sendable>(stop: StopSignal = StopSignal(),
                                                   _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        // Listening before the work starts: a signal between the two would otherwise be lost.
        let state = Mutex<(signals: Int, task: Task<T, any Error>?)>((0, nil))
        SignalPipe.listen {
            let (count, task) = state.withLock { state in
                state.signals += 1
                return (state.signals, state.task)
            }
            if count == 1 { task?.cancel() } else { stop.stop() }
        }
        defer { SignalPipe.stopListening() }
        let task = Task { try await work() }
        let early = state.withLock { state in
            state.task = task
            return state.signals
        }
        if early > 0 { task.cancel() }
        if early > 1 { stop.stop() }
        return try await task.value
    }
}
