import KlingRules
import MediaKit
import Support
import Synchronization

/// The part of the clip a continuation sends, and the hard cuts inside it: the model continues
/// from what it is sent, and a cut there gives it two shots to continue from.
///
/// Only the clip's last `longest` seconds (and one before) are scanned: nothing earlier is ever sent.
public struct SentPart: Sendable {
    /// Seconds of the clip's end to cut out and send; nil to send the clip as it is (or as the
    /// model's rules trim it).
    let tail: Double?
    /// Cuts inside the part sent, seconds into the clip.
    let cuts: [Double]
    /// Only the last shot was asked for, and it is shorter than the model takes: what is sent
    /// reaches back past its cut.
    let lastShotTooShort: Bool

    /// The cuts in what `continue` would send of `clip` (at `path`) given as it is: all of it, or
    /// the model's longest. For `validate`; a clip whose picture cannot be decoded has none to report
    /// (its verdict says what is wrong).
    public static func cuts(of clip: MediaInfo, limits: KlingO1Limits = .current) async -> [Double] {
        (try? await find(tail: nil, source: clip.format.filename, clip: clip, limits: limits))?.cuts ?? []
    }

    static func find(for request: ContinuationRequest, clip: MediaInfo, limits: KlingO1Limits) async throws(PipelineError) -> SentPart {
        try await find(tail: request.tail, source: request.source, clip: clip, limits: limits)
    }

    private static func find(tail choice: TailChoice?, source: String, clip: MediaInfo,
                             limits: KlingO1Limits) async throws(PipelineError) -> SentPart {
        let asked: Double? = if case .seconds(let seconds) = choice { seconds } else { nil }
        guard clip.primaryVideo != nil, !clip.format.isImage,
              let duration = clip.primaryVideo?.duration ?? clip.format.duration, duration > 0 else {
            // Nothing to scan: the validator says what is wrong with the clip.
            return SentPart(tail: asked, cuts: [], lastShotTooShort: false)
        }
        let longest = limits.videoDuration.upperBound
        let scanned: ShotList?
        do {
            scanned = try await scan(source, lastSeconds: longest)
        } catch {
            if error == .cancelled { throw .cancelled(resume: .runAgain(detail: "nothing was submitted")) }
            // Without its shots, the clip is still sent as asked; only the last shot needs them.
            guard choice != .lastShot else { throw .shotDetection(error) }
            scanned = nil
        }
        var tail = asked
        var sent = asked.map { min($0, duration) } ?? min(duration, longest)
        var tooShort = false
        if choice == .lastShot, let scanned {
            let start = scanned.cuts.last?.seconds ?? 0
            let shot = duration - start
            sent = min(max(shot, limits.videoDuration.lowerBound), longest, duration)
            tooShort = shot < sent - 0.001
            // The whole clip when the last shot is all of it (and the model takes it).
            tail = sent < duration - 0.001 ? sent : nil
        }
        let cuts = scanned?.cuts(after: duration - sent).map(\.seconds) ?? []
        return SentPart(tail: tail, cuts: cuts, lastShotTooShort: tooShort && !cuts.isEmpty)
    }

    /// Scans found (or under way) in this process, by the clip's content: `continue` checks its
    /// inputs before it opens a session and again as it starts, and a batch's lines often share a
    /// clip; decoding it once is enough.
    private static let scans = Mutex<[String: Task<ShotList, any Error>]>([:])

    private static func scan(_ path: String, lastSeconds: Double) async throws(ShotDetectionError) -> ShotList {
        guard let hash = try? ContentHash.sha256(ofFileAt: path) else {
            return try await ShotDetection.detect(in: path, lastSeconds: lastSeconds)
        }
        let key = "\(hash) \(lastSeconds)"
        let task = scans.withLock { known in
            if let running = known[key] { return running }
            let started = Task<ShotList, any Error> { try await ShotDetection.detect(in: path, lastSeconds: lastSeconds) }
            known[key] = started
            return started
        }
        do {
            // Ctrl-C stops the scan (and so every check waiting for it: a batch stops as a whole).
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            // A failed scan is not remembered: the next check tries again.
            scans.withLock { known in if known[key] == task { known[key] = nil } }
            throw (error as? ShotDetectionError) ?? .cancelled
        }
    }
}
