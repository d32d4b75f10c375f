import Dispatch
import Support
import Synchronization

/// Makes comparison pictures on a thread of its own while the decoder goes on: scaling a frame
/// and turning it into HSV costs about as much as decoding it, and a decoder that skips frames
/// leaves part of the cores idle. Frames go in in display order and their pictures come back in
/// the same order, at most `depth` at a time (a few small pictures and decoded frames held).
final class PictureLine: @unchecked Sendable {
    typealias Made = (picture: ComparisonPicture, frame: Int, seconds: Double)

    /// A frame on its way to the line's thread; only that thread touches it once handed in.
    private struct HandedFrame: @unchecked Sendable {
        let frame: Frame
        let number: Int
        let seconds: Double
    }

    private struct Queues {
        var frames: [HandedFrame] = []
        var made: [Result<Made, FFmpegError>] = []
        var closed = false
    }

    private let scaler: ComparisonScaler
    private let queues = Mutex(Queues())
    private let queued = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)
    private let depth: Int
    /// Frames handed in whose pictures were not taken yet (the caller's side only).
    private var outstanding = 0
    /// Pictures made on the caller's thread as frames come: no thread of its own was to be had.
    private var inline = false

    init(_ scaler: ComparisonScaler, depth: Int = 4) {
        self.scaler = scaler
        self.depth = depth
        inline = !DedicatedThread.startIfPossible { [self] in work() }
    }

    /// Ends the line's thread once the frames handed in are made (also when the caller gives up).
    func close() {
        queues.withLock { $0.closed = true }
        queued.signal()
    }

    /// Hands in `frame` (a reference is kept, so the decoder may reuse it), first giving `take`
    /// the pictures made so far, and waiting for one when `depth` are outstanding.
    func add(_ frame: Frame, number: Int, seconds: Double, take: (Made) throws -> Void) throws {
        if inline { return try take((try scaler.picture(of: frame), number, seconds)) }
        let kept = try Frame(referencing: frame)
        while outstanding >= depth { try takeOne(take) }
        while ready.wait(timeout: .now()) == .success { try deliverOne(take) }
        let handed = HandedFrame(frame: kept, number: number, seconds: seconds)
        queues.withLock { $0.frames.append(handed) }
        outstanding += 1
        queued.signal()
    }

    /// Gives `take` every picture still to come, then ends the thread.
    func finish(take: (Made) throws -> Void) throws {
        close()
        while outstanding > 0 { try takeOne(take) }
    }

    private func takeOne(_ take: (Made) throws -> Void) throws {
        ready.wait()
        try deliverOne(take)
    }

    private func deliverOne(_ take: (Made) throws -> Void) throws {
        let next = queues.withLock { $0.made.removeFirst() }
        outstanding -= 1
        switch next {
        case .success(let made): try take(made)
        case .failure(let error): throw error
        }
    }

    private func work() {
        while true {
            queued.wait()
            guard let next = queues.withLock({ $0.frames.isEmpty ? nil : $0.frames.removeFirst() }) else {
                if queues.withLock({ $0.closed }) { return }
                continue
            }
            let made = Result<Made, FFmpegError> { () throws(FFmpegError) in (try scaler.picture(of: next.frame), next.number, next.seconds) }
            queues.withLock { $0.made.append(made) }
            ready.signal()
        }
    }
}
