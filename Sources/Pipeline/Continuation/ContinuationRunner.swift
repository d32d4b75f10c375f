import Journal
import Synchronization
import KlingRules
import MediaKit
import Segmind
import Support

/// `kling-media continue`, step by step: check the inputs, make each shot (`ShotMaker`: cut or
/// conform the clip when needed, upload, submit journalled first, wait, download; a chain makes
/// each from the end of the one before), then stitch them after the clip. Every step is recorded
/// as it is done, so the same request run again, `resume`, or `wait` on one of its jobs, goes on
/// from where it stood and never submits a shot twice.
public struct ContinuationRunner: Sendable {
    public let session: Session
    public let events: PipelineEvents

    public init(session: Session, events: @escaping PipelineEvents) {
        self.session = session
        self.events = events
    }

    // MARK: Starting and resuming

    /// Checks the request, then runs it: from where it stood when this exact request was made
    /// before, or afresh.
    public func start(_ request: ContinuationRequest, options: RunOptions = RunOptions()) async throws(PipelineError) -> ContinuationOutcome {
        let check = try await ContinuationCheck(request)
        events(.checked(clip: request.source, info: check.clip, verdict: check.verdict, preparation: check.preparation))
        let key = request.key(contentHashes: try Self.contentHashes(request))
        // Held from the lookup to the end, so the same request started twice at once runs once.
        let claim = try claim(key, name: key.prefix(12) + "…")
        defer { withExtendedLifetime(claim) {} }
        if !options.again, let earlier = try journalled({ () throws(JournalError) in try session.continuations.newest(key: key) }) {
            events(.resumingEarlier(continuationID: earlier.localID, finished: earlier.state == .done))
            return try await run(earlier, check: check, options: options)
        }
        let output = FilePlan.output(for: request)
        if let asked = request.output, request.stitch, !options.overwrite, SystemCalls.exists(asked) {
            throw .outputExists(asked)
        }
        // The result's folder is made now, and a file written in it, before anything is paid for: a
        // shot that could not be saved for want of its folder, or of the right to write there (a
        // clip on a read-only share, its result beside it), would be paid for and stuck at Segmind.
        let folder = URL(fileURLWithPath: output ?? request.output ?? request.source).deletingLastPathComponent().path
        do throws(FolderError) { try Folders.makeWritable(folder) } catch {
            throw .options("\(folder): cannot keep the result there (\(error)); nothing was sent: give -o a path in a folder you can write")
        }
        let record = ContinuationRecord(
            key: key, apiBase: session.client.configuration.apiBase, request: request, outputPath: output,
            shotPaths: FilePlan.shotPaths(source: request.source, output: output, named: request.stitch ? nil : request.output,
                                          shots: request.shots),
            sentPath: FilePlan.sentPath(source: request.source, output: output))
        // And room for what it will save (`ShotMaker` asks again before each shot it pays for),
        // kept for it until it ends.
        try RoomCheck(record, fromShot: 1).verify(promising: session.roomPromises, to: record.localID)
        defer { session.roomPromises.release(record.localID) }
        try journalled { () throws(JournalError) in try session.continuations.save(record) }
        return try await run(record, check: check, options: options)
    }

    /// The checks `start` makes first (all local, nothing written or sent), without a session: for
    /// a caller that refuses bad input before it sets anything up.
    public static func check(_ request: ContinuationRequest) async throws(PipelineError) {
        _ = try await ContinuationCheck(request)
    }

    /// Goes on with a journalled continuation.
    public func resume(_ localID: String, options: RunOptions = RunOptions()) async throws(PipelineError) -> ContinuationOutcome {
        let record = try journalled { () throws(JournalError) in try session.continuations.record(localID: localID) }
        let claim = try claim(record.key, name: Substring(localID))
        defer { withExtendedLifetime(claim) {} }
        let check = try await ContinuationCheck(record.request)
        return try await run(record, check: check, options: options)
    }

    // MARK: The run

    private func run(_ start: ContinuationRecord, check: ContinuationCheck, options: RunOptions) async throws(PipelineError) -> ContinuationOutcome {
        var record = start
        // The room its shots were promised is given back however the run ends.
        defer { session.roomPromises.release(start.localID) }
        do throws(PipelineError) {
            if record.state == .done, let done = try alreadyDone(record) { return done }
            if record.state != .running {
                record = try journalled { () throws(JournalError) in
                    try session.continuations.update(record.localID) { $0.state = .running; $0.error = nil }
                }
            }
            let maker = ShotMaker(session: session, events: events)
            var ahead: AheadStitch?
            do throws(PipelineError) {
                for shot in 1...record.request.shots {
                    if shot == record.request.shots { ahead = stitchAhead(record, check: check, options: options) }
                    try await maker.make(shot, of: &record, check: check, options: options)
                }
            } catch {
                // Nothing this run started outlives it: the stitch made ahead stops, and its files go.
                await ahead?.stop()
                throw error
            }
            var report: StitchReport?
            var seams: SeamReport?
            if let output = record.outputPath {
                let made = try await stitch(record, to: output, ahead: await ahead?.readyOrStopped(events: events))
                report = made
                if options.seams { seams = await reviewSeams(of: output, report: made) }
            }
            record = try journalled { () throws(JournalError) in
                try session.continuations.update(record.localID) { $0.state = .done; $0.error = nil; $0.seams = seams }
            }
            var done = try outcome(record, alreadyDone: false, stitch: report)
            done.seams = seams
            return done
        } catch {
            if case .cancelled = error { throw error }
            _ = try? session.continuations.update(record.localID) {
                $0.state = .stopped
                $0.error = error.description
            }
            throw error
        }
    }

    /// A finished continuation: its outcome when its files are all there (nothing is done); nil
    /// when only the stitched result is gone (it is stitched again from the shots).
    private func alreadyDone(_ record: ContinuationRecord) throws(PipelineError) -> ContinuationOutcome? {
        let missingShots = record.shotPaths.filter { !SystemCalls.exists($0) }
        if let output = record.outputPath {
            if SystemCalls.exists(output) {
                events(.alreadyDone(paths: [output]))
                return try outcome(record, alreadyDone: true, stitch: nil)
            }
            guard missingShots.isEmpty else { throw .doneButFilesMissing([output] + missingShots) }
            return nil
        }
        guard missingShots.isEmpty else { throw .doneButFilesMissing(missingShots) }
        events(.alreadyDone(paths: record.shotPaths))
        return try outcome(record, alreadyDone: true, stitch: nil)
    }

    // MARK: The stitch made ahead

    /// Starts the stitch of everything before the last shot, to run while its job does; nil when
    /// none is worth making (no result, a cross-fade, the shot already here, a shot with its own
    /// sound, turned off). A finished one journalled by an earlier run is taken as it is.
    private func stitchAhead(_ record: ContinuationRecord, check: ContinuationCheck, options: RunOptions) -> AheadStitch? {
        let request = record.request
        guard options.stitchAhead, session.makesStitchesAhead, let output = record.outputPath, request.crossfade == 0 else { return nil }
        let clips = [request.source] + record.shotPaths.prefix(request.shots - 1)
        if let earlier = record.stitchAhead, earlier.clips == clips, SystemCalls.exists(earlier.path) { return AheadStitch(ready: earlier) }
        guard !SystemCalls.exists(record.shotPaths[request.shots - 1]) else { return nil }
        // The sound is encoded across the joint: made ahead, it cannot hold the shot's own.
        guard !(request.keepAudio && check.clip.primaryAudio != nil) else { return nil }
        let prediction: ShotPrediction
        if request.shots > 1 {
            // A chain's next shot is shaped like the one before it.
            guard let previous = try? Probe.file(atPath: record.shotPaths[request.shots - 2]),
                  let shape = ShotPrediction(shapeOf: previous) else { return nil }
            prediction = shape
        } else {
            let host = session.client.configuration.apiHost
            prediction = session.shotShapes?.prediction(host: host, aspect: check.aspectRatio, clip: check.clip, duration: request.duration)
                ?? KlingO1Output.predictedShot(aspect: check.aspectRatio, clip: check.clip, duration: request.duration)
        }
        let path = FilePlan.aheadPath(output: output)
        events(.stitchingAhead(prediction: prediction))
        let (continuations, events, localID, steps) = (session.continuations, events, record.localID, ProgressSteps())
        return AheadStitch {
            do throws(EditError) {
                let prepared = try await StitchAhead.prepare(clips, before: prediction, to: path) { done, total in
                    if steps.isNewStep(done: done, total: total) { events(.stitchingAheadProgress(done: done, total: total)) }
                }
                _ = try? continuations.update(localID) { $0.stitchAhead = prepared }
                events(.stitchedAhead)
                return prepared
            } catch {
                SystemCalls.remove(path)
                if error != .cancelled { events(.stitchAheadUnused(reason: Self.aheadFailure(error, output: output))) }
                return nil
            }
        }
    }

    /// Why a stitch made ahead went unused, in words: a write it could not make is said of the
    /// result it was for, not of its hidden working file.
    static func aheadFailure(_ error: EditError, output: String) -> String {
        guard case .unwritable(_, let reason) = error else { return error.description }
        return "the stitch made ahead for \(output) could not be written (\(reason))"
    }

    /// The result from the stitch made ahead when the shot is as predicted; nil when it is not
    /// (said, and the stitch is made as usual). Either way the stitch made ahead is gone after.
    private func finishAhead(_ ahead: PreparedStitch, record: ContinuationRecord, output: String) async throws(PipelineError) -> StitchReport? {
        guard let shot = record.shotPaths.last else { return nil }
        let report: StitchReport?
        do throws(EditError) {
            report = try await StitchAhead.finish(ahead, shot: shot, to: output, replacing: true)
        } catch {
            if error == .cancelled { throw .cancelled(resume: .resume(continuation: record.localID)) }
            events(.stitchAheadUnused(reason: Self.aheadFailure(error, output: output)))
            report = nil
        }
        SystemCalls.remove(ahead.path)
        _ = try? session.continuations.update(record.localID) { $0.stitchAhead = nil }
        return report
    }

    private func stitch(_ record: ContinuationRecord, to output: String, ahead: PreparedStitch?) async throws(PipelineError) -> StitchReport {
        if let ahead, let report = try await finishAhead(ahead, record: record, output: output) {
            events(.stitched(output: output, report: report))
            return report
        }
        var options = StitchOptions(target: .last)
        options.crossfade = record.request.crossfade
        // Checked when the record was made (a file there then was refused unless replacing was
        // asked); one there now is this continuation's own, from a run cut off before it was recorded.
        options.replaceExisting = true
        let clips = [record.request.source] + record.shotPaths
        let report: StitchReport
        do throws(EditError) {
            let (events, steps) = (events, ProgressSteps())
            report = try await Stitcher.stitch(clips, to: output, options: options) { done, total in
                if steps.isNewStep(done: done, total: total) { events(.stitching(done: done, total: total)) }
            }
        } catch {
            if error == .cancelled {
                throw .cancelled(resume: .resume(continuation: record.localID))
            }
            throw .edit(error)
        }
        events(.stitched(output: output, report: report))
        return report
    }

    /// The joints of the result, scored, and its seam sheet. The result is made whatever happens
    /// here: a sheet that cannot be made is said, not a failure (nor is a Ctrl-C while it is made).
    private func reviewSeams(of output: String, report: StitchReport) async -> SeamReport? {
        do {
            let seams = try await SeamReview.review(output, joints: report.seamSpans, sheet: SeamReview.sheetPath(for: output))
            events(.seamsReviewed(seams))
            return seams
        } catch {
            events(.seamsUnavailable(reason: error.description))
            return nil
        }
    }

    // MARK: Pieces

    static func contentHashes(_ request: ContinuationRequest) throws(PipelineError) -> [String] {
        let files = ([request.source] + request.references + request.elements.joined()).filter { !URLText.isHTTP($0) }
        var hashes: [String] = []
        for file in files {
            do { hashes.append(try ContentHash.sha256(ofFileAt: file)) } catch { throw .unreadableFile(error.description) }
        }
        return hashes
    }

    private func claim(_ key: String, name: Substring) throws(PipelineError) -> JournalLock {
        guard let lock = try journalled({ () throws(JournalError) in try session.continuations.claim(key: key) }) else {
            throw .journal(.busy(String(name)))
        }
        return lock
    }

    private func outcome(_ record: ContinuationRecord, alreadyDone: Bool, stitch: StitchReport?) throws(PipelineError) -> ContinuationOutcome {
        var shots: [ContinuationOutcome.Shot] = []
        for (index, path) in record.shotPaths.enumerated() {
            let job = record.jobs[index].flatMap { try? session.journal.job(localID: $0) }
            shots.append(.init(shot: index + 1, requestID: job?.requestID, path: path, sent: job?.localInputs.first))
        }
        return ContinuationOutcome(localID: record.localID, alreadyDone: alreadyDone, output: record.outputPath,
                                   shots: shots, stitch: stitch)
    }
}

/// A journal call, its failure as a `PipelineError`.
func journalled<T>(_ body: () throws(JournalError) -> T) throws(PipelineError) -> T {
    do { return try body() } catch { throw .journal(error) }
}

/// A stitch being made ahead of the last shot, in a task of its own.
private final class AheadStitch: Sendable {
    private final class Flag: Sendable {
        let isSet = Atomic<Bool>(false)
    }

    private let task: Task<PreparedStitch?, Never>
    private let finished = Flag()

    init(_ work: @escaping @Sendable () async -> PreparedStitch?) {
        let finished = finished
        task = Task {
            let made = await work()
            finished.isSet.store(true, ordering: .releasing)
            return made
        }
    }

    init(ready: PreparedStitch) {
        finished.isSet.store(true, ordering: .releasing)
        task = Task { ready }
    }

    /// The stitch made ahead when it is ready as the shot arrives. One still running works at
    /// low priority and may be far from done: it is stopped, and the stitch made as usual.
    func readyOrStopped(events: PipelineEvents) async -> PreparedStitch? {
        guard finished.isSet.load(ordering: .acquiring) else {
            await stop()
            events(.stitchAheadUnused(reason: "the shot came before the stitch made ahead was ready"))
            return nil
        }
        return await task.value
    }

    /// Stops it and waits until it has (its files gone).
    func stop() async {
        task.cancel()
        _ = await task.value
    }
}
