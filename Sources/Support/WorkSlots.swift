import Synchronization

/// `count` slots for work; the others wait their turn, in the order they asked. A piece of work may
/// take several slots at once (all of them, to run alone). Not cancellable while waiting: whoever
/// waits gets its slots and then sees the cancellation.
public final class WorkSlots: Sendable {
    private struct Waiter {
        let slots: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var busy = 0
        var waiting: [Waiter] = []

        /// Hands free slots to the waiters at the head of the line, in order, while theirs fit; a
        /// waiter wanting more than is free holds up those behind it (else work that wants every
        /// slot would wait for ever behind a stream of single ones).
        mutating func admitWaiting(count: Int) -> [CheckedContinuation<Void, Never>] {
            var admitted: [CheckedContinuation<Void, Never>] = []
            while let head = waiting.first, busy + head.slots <= count {
                busy += head.slots
                admitted.append(head.continuation)
                waiting.removeFirst()
            }
            return admitted
        }
    }

    public let count: Int
    private let state = Mutex(State())

    public init(_ count: Int) {
        self.count = count
    }

    /// Slots held now.
    public var busy: Int { state.withLock { $0.busy } }

    /// Waits for `slots` slots (at most `count`) and takes them; hand them back to `release` with
    /// the same number.
    public func acquire(_ slots: Int = 1) async {
        let slots = min(max(1, slots), count)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let free = state.withLock { state -> Bool in
                guard state.waiting.isEmpty, state.busy + slots <= count else {
                    state.waiting.append(Waiter(slots: slots, continuation: continuation))
                    return false
                }
                state.busy += slots
                return true
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

    /// Hands `slots` slots back: to those waiting first, in order.
    public func release(_ slots: Int = 1) {
        let slots = min(max(1, slots), count)
        let admitted = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.busy -= slots
            return state.admitWaiting(count: count)
        }
        for continuation in admitted { continuation.resume() }
    }
}
