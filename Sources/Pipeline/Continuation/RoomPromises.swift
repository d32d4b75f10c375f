import Support
import Synchronization

/// The room promised to continuations running now, per file system, in this process and (through
/// a file they share, under its lock) in other `kling-media` processes of this user. The lines of a
/// batch in flight, or continuations a script starts side by side, all ask `RoomCheck` of the same
/// free space, and that space falls only as their shots arrive: without promises, eight at once on
/// a disk with room for two would each see room, each be paid for, and six would fail to save.
/// A continuation keeps what it may still take from its check until its run ends (`release`); what
/// it has written by then is counted twice (in the free space and in its promise), which errs
/// toward refusing, before anything is paid for. A process that ended without giving its promises
/// back (killed) is seen to be gone, and its promises with it; a promise a day old is dropped too
/// (its process id may have been given to another process since, after a restart).
public struct RoomPromises: Sendable {
    /// The file other processes' promises are kept in; nil: this process's only.
    let path: String?

    /// Promises kept in `path`, shared with every process that uses it.
    public static func shared(at path: String) -> RoomPromises { RoomPromises(path: path) }

    /// This process's promises only.
    public static let inProcess = RoomPromises(path: nil)

    /// What other continuations hold on one file system.
    struct Held: Sendable {
        let continuations: Int
        let bytes: Int64
        /// How many of them this process runs (a batch's other lines).
        let inThisProcess: Int
    }

    private struct Promise: Codable, Sendable {
        let process: Int32
        let holder: String
        let device: UInt64
        let bytes: Int64
        /// When it was made (seconds since 1970); renewed with each shot a continuation asks for.
        var made = Date().timeIntervalSince1970

        /// Whether it still holds: its process runs, and it is less than a day old.
        var holds: Bool {
            SystemCalls.isRunning(process) && Date().timeIntervalSince1970 - made < 24 * 3600
        }
    }

    /// This process's promises, by holder. Each change also rewrites this process's part of the
    /// shared file, under this lock, so the file never lags behind.
    private static let own = Mutex<[String: Promise]>([:])

    /// Promises `needed` bytes on `device` to `holder` (in place of what it held) when `free`, less
    /// what the others hold there, covers it; otherwise promises nothing and returns what they hold.
    func promise(_ needed: Int64, on device: UInt64, free: Int64, to holder: String) -> Held? {
        Self.own.withLock { own in
            let mine = SystemCalls.processID
            let promise = Promise(process: mine, holder: holder, device: device, bytes: needed)
            // What the others hold, when it leaves too little; nil when `needed` fits beside it.
            func shortfall(besides elsewhere: [Promise]) -> Held? {
                let here = own.values.filter { $0.holder != holder && $0.device == device }
                let others = here + elsewhere.filter { $0.device == device }
                let held = others.map(\.bytes).reduce(0, +)
                return free - held >= needed ? nil : Held(continuations: others.count, bytes: held, inThisProcess: here.count)
            }
            // Decided and written under the file's lock at once: two processes asking together
            // cannot both take the last of the room.
            let decided: Held?? = shared { promises in
                let elsewhere = promises.filter { $0.process != mine }
                if let held = shortfall(besides: elsewhere) { return held }
                own[holder] = promise
                promises = elsewhere + own.values
                return nil
            }
            if let decided { return decided }
            if let held = shortfall(besides: []) { return held }
            own[holder] = promise
            return nil
        }
    }

    /// Promises `needed` bytes on `device` to `holder` whatever is left: for a shot already paid
    /// for, which nothing can refuse, so that what starts beside it counts its room.
    func keep(_ needed: Int64, on device: UInt64, for holder: String) {
        Self.own.withLock { own in
            own[holder] = Promise(process: SystemCalls.processID, holder: holder, device: device, bytes: needed)
            publish(own)
        }
    }

    /// Gives back what `holder` was promised (its run has ended, saved or not).
    func release(_ holder: String) {
        Self.own.withLock { own in
            guard own.removeValue(forKey: holder) != nil else { return }
            publish(own)
        }
    }

    /// This process's promises in the shared file, in place of what it said there before.
    private func publish(_ own: [String: Promise]) {
        let mine = SystemCalls.processID
        _ = shared { promises in promises = promises.filter { $0.process != mine } + own.values }
    }

    /// `body` given the shared file's promises that still hold (those of processes gone, or a day
    /// old, are dropped), which it may change; what it leaves is written back. Nil without a file,
    /// or when it cannot be used (then this process's own promises are all there is).
    private func shared<T>(_ body: (inout [Promise]) -> T) -> T? {
        guard let path else { return nil }
        return SharedJSONFile.update(path, as: [Promise].self) { stored in
            var promises = (stored ?? []).filter(\.holds)
            let value = body(&promises)
            stored = promises
            return value
        }
    }
}
