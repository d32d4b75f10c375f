import KlingRules
import Support

/// Whether the disk has room for what will be saved, asked before a shot is paid for: a shot that
/// cannot be saved is paid for and stuck at Segmind until its record expires. The estimate is
/// generous, not exact: each shot to come (`KlingO1Output.roomForAShot`), again in the stitched
/// result, and the clip twice when stitching (its part made ahead, and the result that holds it).
public struct RoomCheck: Sendable {
    public let folder: String
    public let needed: Int64
    /// What is to be saved, in words ("the shot", "2 shots and the stitched result").
    public let what: String

    /// Room for one shot saved in `folder` (`submit -o`).
    public init(oneShotIn folder: String) {
        self.folder = folder
        needed = KlingO1Output.roomForAShot
        what = "the shot"
    }

    /// Room for a continuation's shots from `shot` on, and its stitched result.
    init(_ record: ContinuationRecord, fromShot shot: Int) {
        let request = record.request
        let shots = request.shots - shot + 1
        let stitching = record.outputPath != nil
        let clip = stitching ? (try? FileFacts.regularFileSize(request.source)) ?? 0 : 0
        folder = URL(fileURLWithPath: record.shotPaths[shot - 1]).deletingLastPathComponent().path
        needed = Int64(shots) * KlingO1Output.roomForAShot * (stitching ? 2 : 1) + 2 * clip
        what = (shots == 1 ? "the shot" : "\(shots) shots") + (stitching ? " and the stitched result" : "")
    }

    /// Throws `.noRoom` when the folder's file system has less free than needed; a system that
    /// will not say passes (a file has been made there before this is asked).
    public func verify() throws(PipelineError) {
        guard let free = SystemCalls.freeBytes(in: folder), free < needed else { return }
        throw .noRoom(RoomShortfall(folder: folder, free: free, needed: needed, what: what, keptForOthers: 0, others: 0, othersInThisRun: 0))
    }

    /// As `verify()`, but what `promises` holds for other continuations on that file system is not
    /// free for this one; what this one needs is promised to `holder` (a continuation's id) until
    /// `promises.release(holder)`.
    func verify(promising promises: RoomPromises, to holder: String) throws(PipelineError) {
        guard let free = SystemCalls.freeBytes(in: folder) else { return }
        guard let device = SystemCalls.fileSystem(of: folder) else { return try verify() }
        guard let held = promises.promise(needed, on: device, free: free, to: holder) else { return }
        throw .noRoom(RoomShortfall(folder: folder, free: free, needed: needed, what: what,
                                    keptForOthers: held.bytes, others: held.continuations, othersInThisRun: held.inThisProcess))
    }

    /// What this needs promised to `holder` without asking whether it fits: a shot already paid
    /// for is saved wherever it can be, but what starts beside it must count its room.
    func keep(in promises: RoomPromises, for holder: String) {
        guard let device = SystemCalls.fileSystem(of: folder) else { return }
        promises.keep(needed, on: device, for: holder)
    }
}

/// Why a folder was refused before a shot was paid for: its free space, what other continuations
/// running (a batch's other lines, other kling-media runs) hold of it, and what this one may take.
public struct RoomShortfall: Sendable, CustomStringConvertible {
    public let folder: String
    public let free: Int64
    public let needed: Int64
    /// What is to be saved, in words ("the shot", "2 shots and the stitched result").
    public let what: String
    /// Bytes of `free` promised to `others` continuations still running.
    public let keptForOthers: Int64
    public let others: Int
    /// How many of `others` are this run's own (a batch's other lines): `--concurrency` helps
    /// only with those; the rest are other kling-media runs.
    public let othersInThisRun: Int

    public var description: String {
        let kept = others == 0 ? ""
            : ", \(Formatting.bytes(keptForOthers)) of it kept for \(Formatting.count(others, "other continuation")) still running"
        let fewer = others == 0 ? "" : othersInThisRun > 0 ? ", run fewer at once (--concurrency)" : ", wait for the other runs to end"
        return "\(folder): \(Formatting.bytes(free)) free\(kept), and \(what) may take up to about \(Formatting.bytes(needed)); "
            + "nothing was sent: free some space" + fewer + ", or give -o a folder on another disk"
    }
}
