import Support
import Synchronization

/// The room this process has promised to the continuations it runs, per file system. The lines of a
/// batch in flight all ask `RoomCheck` of the same free space, and that space falls only as their
/// shots arrive: without a ledger, eight lines at once on a disk with room for two would each see
/// room, each be paid for, and six would fail to save. A continuation keeps what it may still take
/// from its check until its run ends (`release`); what it has written by then is counted twice (in
/// the free space and in its promise), which errs toward refusing, before anything is paid for.
enum RoomReservations {
    private struct Promise {
        let device: UInt64
        let bytes: Int64
    }

    /// What other continuations of this process hold on one file system.
    struct Held: Sendable {
        let continuations: Int
        let bytes: Int64
    }

    private static let promises = Mutex<[String: Promise]>([:])

    /// Promises `needed` bytes on `device` to `holder` (in place of what it held) when `free`, less
    /// what the others hold there, covers it; otherwise promises nothing and returns what they hold.
    static func promise(_ needed: Int64, on device: UInt64, free: Int64, to holder: String) -> Held? {
        promises.withLock { promises in
            let others = promises.filter { $0.key != holder && $0.value.device == device }.map(\.value.bytes)
            let held = others.reduce(0, +)
            guard free - held >= needed else { return Held(continuations: others.count, bytes: held) }
            promises[holder] = Promise(device: device, bytes: needed)
            return nil
        }
    }

    /// Gives back what `holder` was promised (its run has ended, saved or not).
    static func release(_ holder: String) {
        _ = promises.withLock { $0.removeValue(forKey: holder) }
    }
}
