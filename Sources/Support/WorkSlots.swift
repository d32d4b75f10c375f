import Synchronization

/// `count` slots for work; the others wait their turn, in the order they asked. A piece of work may
/// take several slots at once (all of them, to run alone). Work that `yields` lets those who ask
/// later go first, and stops waiting when its task is cancelled; other work is not cancellable
/// while waiting: whoever waits gets its slots and then sees the cancellation.
public final class WorkSlots: Sendable {
    private struct Waiter {
        let id: Int
        let slots: Int
        let yields: Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var busy = 0
        var waiting: [Waiter] = []
        var lastID = 0

        /// Whether `slots` may be taken now by one who asks: they are free and nobody who does not
        /// yield is waiting for them.
        func canTake(_ slots: Int, count: Int) -> Bool {
            busy + slots <= count && !waiting.contains { !$0.yields }
        }

        /// Hands free slots to the waiters, in order, while theirs fit; a waiter wanting more than
        /// is free holds up those behind it unless it yields (else work that wants every slot
        /// would wait for ever behind a stream of single ones).
        mutating func admitWaiting(count: Int) -> [CheckedContinuation<Bool, Never>] {
            var admitted: [CheckedContinuation<Bool, Never>] = []
            var index = 0
            while index < waiting.count {
                let waiter = waiting[index]
                if busy + waiter.slots <= count {
                    busy += waiter.slots
                    admitted.append(waiter.continuation)
                    waiting.remove(at: index)
                } else if waiter.yields {
                    index += 1
                } else {
                    break
                }
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
        _ = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let taken = state.withLock { state -> Bool in
                guard state.canTake(slots, count: count) else {
                    state.lastID += 1
                    state.waiting.append(Waiter(id: state.lastID, slots: slots, yields: false, continuation: continuation))
                    return false
                }
                state.busy += slots
                return true
            }
            if taken { continuation.resume(returning: true) }
        }
    }

    /// Waits for `slots` slots like `acquire`, but lets anyone who asks later without yielding go
    /// first (for work nobody waits for), and gives up when the task is cancelled: false then,
    /// and nothing was taken.
    public func acquireYielding(_ slots: Int) async -> Bool {
        let slots = min(max(1, slots), count)
        let id = state.withLock { state -> Int in
            state.lastID += 1
            return state.lastID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer = state.withLock { state -> Bool? in
                    // Checked under the lock: a cancellation that came before the waiter was in
                    // the line found nothing to take out, so it is seen here.
                    if Task.isCancelled { return false }
                    guard state.canTake(slots, count: count) else {
                        state.waiting.append(Waiter(id: id, slots: slots, yields: true, continuation: continuation))
                        return nil
                    }
                    state.busy += slots
                    return true
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let removed = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index).continuation
            }
            removed?.resume(returning: false)
        }
    }

    /// A slot if one may be taken now (free, and nobody who does not yield waits for one); false
    /// otherwise, without waiting.
    public func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.canTake(1, count: count) else { return false }
            state.busy += 1
            return true
        }
    }

    /// Hands `slots` slots back: to those waiting, in order.
    public func release(_ slots: Int = 1) {
        let slots = min(max(1, slots), count)
        let admitted = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.busy -= slots
            return state.admitWaiting(count: count)
        }
        for continuation in admitted { continuation.resume(returning: true) }
    }
}
