import Dispatch
import Support
import Synchronization
internal import CFFmpeg

/// A whole clip's comparison pictures made by several decoders at once, each from a keyframe of
/// its own on a thread of its own, and handed back in display order. One decoder's frame threads
/// wait on each other along a chain of frames that refer to each other: a scan that skips the
/// frames nothing refers to kept two cores only ~1.4 busy. Stretches that start at keyframes need
/// nothing from each other, so one single-threaded decoder per core keeps every core busy, and
/// each makes its frames' pictures where it decoded them.
///
/// Memory stays bounded: a decoder starts a stretch only when few enough are waiting to be taken,
/// and holds at most `picturesAhead` pictures of a stretch the caller has not reached.
final class SegmentedPictures: @unchecked Sendable {
    typealias Made = (picture: ComparisonPicture, frame: Int, seconds: Double)

    /// Frames from a keyframe to the frame before the next stretch's (frames shown before a
    /// keyframe but decoded after it belong to the stretch before, whose decoder goes on to them).
    struct Segment: Equatable {
        /// Where its decoder starts: its keyframe's packet, or nil for the clip's start.
        let keyframe: PacketTable.Entry?
        let frames: ClosedRange<Int>
        /// The presentation time of its last packet in decoding order: its decoder stops reading
        /// there, rather than decode the next keyframe only to bring out the frames before it.
        let lastPacket: Int64
    }

    /// Why the pictures could not be made this way; a scan then decodes the clip in one pass,
    /// which meets the same trouble, if any, where it would anyway.
    enum Failure: Error {
        case failed(FFmpegError)
        /// A decoder started at a keyframe did not show it first (a container that seeks loosely).
        case startMissed
    }

    /// The clip's frames cut at keyframes into stretches of whole groups of pictures, about eight
    /// per decoder (so one slow stretch does not leave the others idle), none shorter than a second
    /// at 24 frames a second.
    static func segments(_ table: PacketTable, frames: ClosedRange<Int>, decoders: Int) -> [Segment] {
        var keyPackets: [Int: PacketTable.Entry] = [:]
        for entry in table.entries where entry.isKey {
            if let frame = table.frame(at: entry.pts), frame > frames.lowerBound, frame <= frames.upperBound { keyPackets[frame] = entry }
        }
        let keyframes = keyPackets.keys.sorted()
        let shortest = max(24, frames.count / max(1, decoders * 8))
        var bounds: [(keyframe: PacketTable.Entry?, frames: ClosedRange<Int>)] = []
        var start = frames.lowerBound
        var keyframe: PacketTable.Entry?
        for frame in keyframes where frame - start >= shortest {
            bounds.append((keyframe, start...frame - 1))
            start = frame
            keyframe = keyPackets[frame]
        }
        bounds.append((keyframe, start...frames.upperBound))
        // Each stretch's last packet in decoding order: the latest of its frames'.
        var lastPackets = [Int64?](repeating: nil, count: bounds.count)
        var stretch = 0
        for entry in table.entries {
            guard let frame = table.frame(at: entry.pts), frames.contains(frame) else { continue }
            while frame > bounds[stretch].frames.upperBound { stretch += 1 }
            while frame < bounds[stretch].frames.lowerBound { stretch -= 1 }
            lastPackets[stretch] = entry.pts
        }
        return zip(bounds, lastPackets).map { bound, last in
            Segment(keyframe: bound.keyframe, frames: bound.frames, lastPacket: last ?? table.displayOrder[bound.frames.upperBound])
        }
    }

    private enum Item {
        case picture(Made)
        case end
        case failure(Failure)
    }

    private struct State {
        var queues: [[Item]]
        var nextToClaim = 0
        var stopped = false
    }

    private let path: String
    private let streamIndex: Int
    private let table: PacketTable
    private let segments: [Segment]
    private let skipping: ((Int64) -> Bool)?
    private let decoders: Int
    private let state: Mutex<State>
    /// One signal per item put in a stretch's queue.
    private let arrived: [DispatchSemaphore]
    /// Room for pictures in a stretch's queue.
    private let room: [DispatchSemaphore]
    /// Stretches a decoder may start before the caller has taken the earlier ones.
    private let claims = DispatchSemaphore(value: 0)
    /// One signal per decoder thread that ended.
    private let ended = DispatchSemaphore(value: 0)

    /// A stretch taken not to start at its keyframe, whatever its seek (for tests).
    private let missesItsStart: Int?

    /// Stretches started per decoder before the caller takes the earlier ones: a slow stretch
    /// (a detailed picture decodes slower) does not hold up the decoders of those after it.
    static let stretchesAhead = 3
    /// Pictures of a stretch held ahead of the caller (about 100 kB each): with `stretchesAhead`,
    /// at most some 40 MB per decoder, however long the clip.
    static let picturesAhead = 128

    /// `skipping`: as a one-pass scan's (by presentation time, frames no other refers to).
    init(path: String, streamIndex: Int, table: PacketTable, segments: [Segment], decoders: Int, skipping: ((Int64) -> Bool)?,
         missesItsStart: Int? = nil) {
        self.path = path
        self.missesItsStart = missesItsStart
        self.streamIndex = streamIndex
        self.table = table
        self.segments = segments
        self.skipping = skipping
        self.decoders = max(1, decoders)
        state = Mutex(State(queues: Array(repeating: [], count: segments.count)))
        arrived = segments.map { _ in DispatchSemaphore(value: 0) }
        // Made at 0 and signalled up: libdispatch refuses to free a semaphore below its starting value.
        room = segments.map { _ in DispatchSemaphore(value: 0) }
        for semaphore in room { for _ in 0..<Self.picturesAhead { semaphore.signal() } }
        for _ in 0..<(self.decoders * Self.stretchesAhead) { claims.signal() }
    }

    /// Hands `take` every picture in display order, stretch after stretch, on the calling thread;
    /// the decoders have stopped when it returns or throws.
    func forEach<Failure: Error>(_ take: (Made) throws(Failure) -> Void) throws(SegmentedPicturesError<Failure>) {
        // A decoder run on this thread would wait for this thread: with no thread to be had, none.
        let started = (0..<decoders).count { _ in DedicatedThread.startIfPossible { [self] in work() } }
        defer { stop(started: started) }
        guard started > 0 else { throw .decoding(.failed(FFmpegError(code: CFFmpeg_AVERROR(EAGAIN)))) }
        for index in segments.indices {
            taking: while true {
                arrived[index].wait()
                let item = state.withLock { $0.queues[index].removeFirst() }
                switch item {
                case .picture(let made):
                    room[index].signal()
                    do throws(Failure) { try take(made) } catch { throw .taken(error) }
                case .end: break taking
                case .failure(let failure): throw .decoding(failure)
                }
            }
            claims.signal()
        }
    }

    /// Stops the `started` decoders (between frames) and waits for their threads to end.
    private func stop(started: Int) {
        state.withLock { $0.stopped = true }
        for semaphore in room { semaphore.signal() }
        for _ in 0..<started { claims.signal() }
        for _ in 0..<started { ended.wait() }
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func put(_ item: Item, in index: Int) {
        state.withLock { $0.queues[index].append(item) }
        arrived[index].signal()
    }

    /// A decoder thread: takes the next stretch while there is one and the caller is not too far behind.
    private func work() {
        defer { ended.signal() }
        var reader = SegmentReader(path: path, streamIndex: streamIndex)
        while true {
            claims.wait()
            let claimed = state.withLock { state -> Int? in
                guard !state.stopped, state.nextToClaim < segments.count else { return nil }
                defer { state.nextToClaim += 1 }
                return state.nextToClaim
            }
            guard let index = claimed else { return }
            do throws(Failure) {
                try decode(index, with: &reader)
                put(.end, in: index)
            } catch {
                put(.failure(error), in: index)
            }
            if stopped { return }
        }
    }

    private func decode(_ index: Int, with reader: inout SegmentReader) throws(Failure) {
        let segment = segments[index]
        do {
            guard index != missesItsStart, let (decoder, scaler) = try reader.start(at: segment.keyframe) else {
                throw Failure.startMissed
            }
            decoder.skipsUnreferenced = skipping
            decoder.lastPacket = segment.lastPacket
            var numbering = FrameNumbering.byTable(table, frames: segment.frames)
            var first = true
            let finished = try numbering.look(through: decoder, stopping: { stopped }) { frame, number, seconds in
                if first, number != segment.frames.lowerBound { throw Failure.startMissed }
                first = false
                let picture = try scaler.picture(of: frame)
                room[index].wait()
                if !stopped { put(.picture((picture, number, seconds)), in: index) }
            }
            // Nothing of the stretch came out: the decoder started past it.
            if finished, first { throw Failure.startMissed }
        } catch let failure as Failure {
            throw failure
        } catch let error as FFmpegError {
            throw .failed(error)
        } catch {
            throw .failed(FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()))
        }
    }
}

/// What a caller of `SegmentedPictures.forEach` hears: its own error, or why the decoders could not go on.
enum SegmentedPicturesError<Taken: Error>: Error {
    case taken(Taken)
    case decoding(SegmentedPictures.Failure)
}

/// One decoder thread's view of the clip: its own demuxer and single-threaded decoder, made once
/// and moved to each stretch's keyframe, and one scaler for every stretch's frames.
private struct SegmentReader {
    let path: String
    let streamIndex: Int
    private var decoder: StreamDecoder?
    private var scaler: ComparisonScaler?

    init(path: String, streamIndex: Int) {
        self.path = path
        self.streamIndex = streamIndex
    }

    /// A decoder at `keyframe`, or made afresh for the clip's start; nil when no seek reached the
    /// keyframe. A seek by presentation time lands on it in containers with an index (MP4, Matroska);
    /// MPEG-TS searches by decoding time and may land past it, so then by its decoding time, and
    /// last from a second before it.
    mutating func start(at keyframe: PacketTable.Entry?) throws(FFmpegError) -> (StreamDecoder, ComparisonScaler)? {
        let decoder: StreamDecoder
        if let made = self.decoder, keyframe != nil {
            decoder = made
        } else {
            decoder = try StreamDecoder(path: path, streamIndex: streamIndex, threads: 1)
            self.decoder = decoder
        }
        if let keyframe {
            var landed = false
            for target in [keyframe.pts, keyframe.dts, keyframe.dts - decoder.ticks(1)] where !landed {
                try decoder.restart(at: target)
                // At the keyframe, or before it in decoding order (more decoded than needed, no harm).
                landed = try decoder.nextPacketTimes().map { next in
                    next.pts == keyframe.pts || next.dts.map { $0 < keyframe.dts } ?? (next.pts < keyframe.pts)
                } ?? false
            }
            guard landed else { return nil }
        }
        let scaler = scaler ?? ComparisonScaler(for: decoder)
        self.scaler = scaler
        return (decoder, scaler)
    }
}
