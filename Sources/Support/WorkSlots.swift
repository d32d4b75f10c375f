import Synchronization

/// `count` slots for work; the others wait their turn, in the order they asked. Not cancellable
/// while waiting: whoever waits gets a slot and then sees the cancellation.
public final class WorkSlots: Sendable {
    private struct State {
        var busy = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public let count: Int
    private let state = Mutex(State())

    public init(_ count: Int) {
        self.count = count
    }

    /// Slots held now.
    public var busy: Int { state.withLock { $0.busy } }

    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = state.withLock { state -> Bool in
                guard state.busy >= count else { state.busy += 1; return true }
                state.waiting.append(continuation)
                return false
            }
            if free { continuation.resume() }
        }
    }

    /// A slot if one is free now (and nobody waits for one); false otherwise, without waiting.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.busy < count, state.waiting.isEmpty else { return false }
            state.busy += 1
            return true
        }
    }

    /// Hands the slot to the first waiting, or frees it.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else { state.busy -= 1; return nil }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
