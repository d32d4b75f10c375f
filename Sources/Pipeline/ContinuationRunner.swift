import FoundationEssentials
import MediaKit
import Uploader

/// How one run goes about what is asked (not part of what is asked, so not part of its identity).
public struct RunOptions: Sendable {
    /// Make a new take even though this exact continuation was done before (it is paid for again).
    public var again = false
    /// Submit again a shot whose earlier job FAILED or expired unfetched.
    public var retryFailed = false
    /// Submit again a shot whose earlier submission's answer was lost (it may be billed twice).
    public var resubmitUnknown = false
    /// Stop waiting for a shot after this (the job goes on; resuming waits again).
    public var deadline: ContinuousClock.Instant?
    /// Seconds a cancelled submission keeps waiting for its answer once its POST may have left.
    public var answerPatience: Double = 15
    /// Stopped (by a second Ctrl-C) to give up waiting for submissions' answers at once.
    public var stopWaiting = StopSignal()
    /// The most a shot's download may be.
    public var maxDownloadBytes: Int64 = Downloader.defaultMaxBytes

    public init(again: Bool = false, retryFailed: Bool = false, resubmitUnknown: Bool = false, deadline: ContinuousClock.Instant? = nil) {
        self.again = again
        self.retryFailed = retryFailed
        self.resubmitUnknown = resubmitUnknown
        self.deadline = deadline
    }
}

/// `kling-media continue`, step by step: check the inputs, cut or conform the clip when needed,
/// upload, submit (journalled first), poll, download each shot (a chain makes each from the end
/// of the one before), then stitch them after the clip. Every step is recorded as it is done, so
/// the same request run again, `resume`, or `wait` on one of its jobs, goes on from where it
/// stood and never submits a shot twice.
public struct ContinuationRunner: Sendable {
    public let client: SegmindClient
    public let journal: JobJournal
    public let uploads: SharedUploads
    public let events: PipelineEvents

    public init(client: SegmindClient, journal: JobJournal, uploads: SharedUploads, events: @escaping PipelineEvents) {
        self.client = client
        self.journal = journal
        self.uploads = uploads
        self.events = events
    }

    // MARK: Starting and resuming

    /// Checks the request, then runs it: from where it stood when this exact request was made
    /// before, or afresh.
    public func start(_ request: ContinuationRequest, options: RunOptions = RunOptions()) async throws(PipelineError) -> ContinuationOutcome {
        let check = try ContinuationCheck(request)
        Self.announce(check, request: request, events: events)
        let key = request.key(contentHashes: try contentHashes(request))
        // Held from the lookup to the end, so the same request started twice at once runs once.
        let claim = try claim(key, name: key.prefix(12) + "…")
        defer { withExtendedLifetime(claim) {} }
        if !options.again, let earlier = try journalled({ () throws(JournalError) in try journal.continuation(key: key) }) {
            events(.step("the same request was made \(earlier.state == .done ? "and finished" : "before") "
                         + "(continuation \(earlier.localID)); going on from there"))
            return try await run(earlier, check: check, options: options)
        }
        let output = FilePlan.output(for: request)
        let record = ContinuationRecord(
            key: key, apiBase: client.configuration.apiBase, request: request, outputPath: output,
            shotPaths: FilePlan.shotPaths(source: request.source, output: output, named: request.stitch ? nil : request.output,
                                          shots: request.shots),
            sentPath: FilePlan.sentPath(source: request.source, output: output))
        try journalled { () throws(JournalError) in try journal.save(record) }
        return try await run(record, check: check, options: options)
    }

    /// Goes on with a journalled continuation.
    public func resume(_ localID: String, options: RunOptions = RunOptions()) async throws(PipelineError) -> ContinuationOutcome {
        let record = try journalled { () throws(JournalError) in try journal.continuation(localID: localID) }
        let claim = try claim(record.key, name: Substring(localID))
        defer { withExtendedLifetime(claim) {} }
        let check = try ContinuationCheck(record.request)
        return try await run(record, check: check, options: options)
    }

    /// Steps 1–3 against nothing remote: what would be sent, with local paths in place of URLs.
    /// `uploader`'s cache says which files would not need uploading (their URLs are not checked).
    public static func dryRun(_ request: ContinuationRequest, uploader: FileUploader?, encoding: RequestEncoding = .documented,
                              events: PipelineEvents) throws(PipelineError) -> DryRunReport {
        let check = try ContinuationCheck(request)
        announce(check, request: request, events: events)
        let output = FilePlan.output(for: request, reserving: false)
        let sent = check.preparation == nil ? request.source : FilePlan.sentPath(source: request.source, output: output, reserving: false)
        let body = KlingRequest(prompt: request.prompt, videoURL: sent, imageURLs: request.references,
                                elements: request.elements.map { KlingElement(frontalImageURL: $0[0], referenceImageURLs: Array($0.dropFirst())) },
                                aspectRatio: check.aspectRatio, duration: request.duration, keepAudio: request.keepAudio)
        let files = ([sent] + request.references + request.elements.joined()).filter { !SharedUploads.isURL($0) }
        let uploads = files.map { path in
            let hash = FilePlan.exists(path) ? try? ContentHash.sha256(ofFileAt: path) : nil
            let cached = hash.flatMap { uploader?.cache?.lookup(sha256: $0, backend: uploader?.backend.name ?? "") } != nil
            return DryRunReport.Upload(path: path, bytes: (try? SegmindStorage.size(of: path)) ?? 0, cached: cached)
        }
        let generated = Double(request.duration * request.shots)
        let sourceSeconds = check.clip.primaryVideo?.duration ?? check.clip.format.duration ?? 0
        return DryRunReport(body: (try? JSONBody.decode(body.wireBody(encoding))) ?? .null, sentClip: sent, preparation: check.preparation.map(describe),
                            uploads: uploads, generatedSeconds: generated, shots: request.shots,
                            stitchedSeconds: output.map { _ in sourceSeconds + generated - Double(request.shots) * request.crossfade },
                            output: output)
    }

    // MARK: The run

    private func run(_ start: ContinuationRecord, check: ContinuationCheck, options: RunOptions) async throws(PipelineError) -> ContinuationOutcome {
        var record = start
        do throws(PipelineError) {
            if record.state == .done {
                let missingShots = record.shotPaths.filter { !FilePlan.exists($0) }
                if let output = record.outputPath {
                    if FilePlan.exists(output) {
                        events(.step("already done: \(output)"))
                        return try outcome(record, alreadyDone: true, stitch: nil)
                    }
                    // The shots are all here: only the stitching is done again.
                    guard missingShots.isEmpty else { throw PipelineError.doneButFilesMissing([output] + missingShots) }
                } else {
                    guard !missingShots.isEmpty else {
                        events(.step("already done: \(record.shotPaths.joined(separator: ", "))"))
                        return try outcome(record, alreadyDone: true, stitch: nil)
                    }
                    throw PipelineError.doneButFilesMissing(missingShots)
                }
            }
            if record.state != .running {
                record = try journalled { () throws(JournalError) in
                    try journal.updateContinuation(record.localID) { $0.state = .running; $0.error = nil }
                }
            }
            for shot in 1...record.request.shots {
                try await makeShot(shot, of: &record, check: check, options: options)
            }
            var report: StitchReport?
            if let output = record.outputPath {
                report = try await stitch(record, to: output)
            }
            record = try journalled { () throws(JournalError) in
                try journal.updateContinuation(record.localID) { $0.state = .done; $0.error = nil }
            }
            return try outcome(record, alreadyDone: false, stitch: report)
        } catch {
            if case .cancelled = error { throw error }
            _ = try? journal.updateContinuation(record.localID) {
                $0.state = .stopped
                $0.error = error.description
            }
            throw error
        }
    }

    /// Shot `shot`: already saved, in flight (waited for, never submitted again), or submitted now.
    private func makeShot(_ shot: Int, of record: inout ContinuationRecord, check: ContinuationCheck,
                          options: RunOptions) async throws(PipelineError) {
        let path = record.shotPaths[shot - 1]
        let label = label(shot, of: record)
        if let jobID = record.jobs[shot - 1], let job = try? journal.job(localID: jobID) {
            if job.state == .downloaded, FilePlan.exists(path) {
                events(.step("\(label): saved earlier: \(path)"))
                return
            }
            let fetchable = !job.resultURLs.isEmpty
                || (job.requestID != nil && [.queued, .processing, .completed].contains(job.state))
            if fetchable {
                events(.step("\(label): job \(job.requestID ?? job.localID) was submitted earlier; waiting for it"))
                try await finish(job, shot: shot, record: record, options: options)
                return
            }
            switch job.state {
            case .submitting, .outcomeUnknown:
                guard options.resubmitUnknown else { throw .outcomeUnknown(shot: shot, localID: job.localID, detail: job.error) }
            case .failed, .expired, .downloaded:
                guard options.retryFailed else {
                    throw .earlierFailure(shot: shot, requestID: job.requestID, failed: job.state == .failed, detail: job.error)
                }
            default:
                break
            }
        }
        let (clip, aspect) = try await prepareClip(for: shot, of: record, check: check)
        let job = try await submit(clip, aspect: aspect, shot: shot, of: &record, options: options)
        try await finish(job, shot: shot, record: record, options: options)
    }

    /// The clip shot `shot` is made from, and the aspect ratio to ask for it: the source (cut or
    /// conformed when needed) for the first, the shot before for the others.
    private func prepareClip(for shot: Int, of record: ContinuationRecord, check: ContinuationCheck) async throws(PipelineError) -> (String, String) {
        let request = record.request
        let requested = AspectRatioOption(rawValue: request.aspect) ?? .auto
        let label = label(shot, of: record)
        let source = shot == 1 ? request.source : record.shotPaths[shot - 2]
        var preparation = shot == 1 ? check.preparation : nil
        var aspect = check.aspectRatio
        if shot > 1 {
            // A generated shot should pass as it is; if the model made one it would refuse, fix it.
            let info = try probe(source)
            let verdict = Validator().validate(ValidationRequest(video: info, keepAudio: request.keepAudio, aspect: requested))
            aspect = verdict.aspect?.chosen.rawValue ?? "auto"
            if !verdict.isValid { preparation = ConformOptions.proposed(for: verdict.errors.map(\.problem)) }
        }
        guard var preparation else { return (source, aspect) }
        let target = shot == 1 ? record.sentPath : FilePlan.sentPath(source: source, output: nil)
        preparation.keepAudio = true
        events(.step("\(label): preparing \(target): \(Self.describe(preparation))"))
        let report: ConformReport
        do throws(EditError) {
            let events = events
            report = try await Conformer.conform(source, to: target, options: preparation) { done, total in
                events(.progress("\(label): conforming \(Self.percent(done, total))"))
            }
        } catch {
            if error == .cancelled { throw .cancelled(resume: "nothing was submitted; run the same command again") }
            throw .edit(error)
        }
        let info = try probe(target)
        // The clip alone: the references and prompt were checked with the source.
        let verdict = Validator().validate(ValidationRequest(video: info, keepAudio: request.keepAudio, aspect: requested))
        guard verdict.isValid else { throw .invalid(verdict, clip: info, hint: "even after conforming") }
        events(.step("\(label): sending \(target) (\(report.width)×\(report.height), \(report.frameRate.frameRateText) fps, "
                     + "\(Formatting.seconds(report.duration)))"))
        return (target, verdict.aspect?.chosen.rawValue ?? aspect)
    }

    /// Uploads the shot's inputs and submits it, journalled before the POST and linked to the continuation.
    private func submit(_ clip: String, aspect: String, shot: Int, of record: inout ContinuationRecord,
                        options: RunOptions) async throws(PipelineError) -> JobRecord {
        let request = record.request
        let label = label(shot, of: record)
        let clipURL = try await upload(clip, label: label)
        var imageURLs: [String] = []
        for reference in request.references { imageURLs.append(try await upload(reference, label: label)) }
        var elements: [KlingElement] = []
        for element in request.elements {
            var urls: [String] = []
            for image in element { urls.append(try await upload(image, label: label)) }
            elements.append(KlingElement(frontalImageURL: urls[0], referenceImageURLs: Array(urls.dropFirst())))
        }
        let parameters = KlingRequest(prompt: request.prompt, videoURL: clipURL, imageURLs: imageURLs, elements: elements,
                                      aspectRatio: aspect, duration: request.duration, keepAudio: request.keepAudio)
        var job = JobRecord(parameters: parameters, apiBase: client.configuration.apiBase,
                            localInputs: [clip] + (request.references + request.elements.joined()).filter { !SharedUploads.isURL($0) },
                            outputPath: record.shotPaths[shot - 1])
        job.continuation = ContinuationLink(localID: record.localID, shot: shot)
        let continuationID = record.localID
        var linked = record
        let events = events
        // Ctrl-C once the POST may have left waits for the answer (it carries the job's id).
        let patience = AnswerPatience(seconds: options.answerPatience, stop: options.stopWaiting) {
            events(.step("\(label): waiting for Segmind's answer so the job is not lost; Ctrl-C again to stop waiting"))
        }
        do {
            let submitted = try await JobSubmission(client: client, journal: journal).submit(job, patience: patience) { saved throws(JournalError) in
                linked = try journal.updateContinuation(continuationID) { $0.jobs[shot - 1] = saved.localID }
            }
            record = linked
            events(.step("\(label): submitted (aspect_ratio \(aspect), \(request.duration) s): request id \(submitted.requestID ?? "?")"))
            if Task.isCancelled, let requestID = submitted.requestID {
                throw PipelineError.cancelled(resume: Self.resumeAdvice(requestID, stitching: record.outputPath != nil))
            }
            return submitted
        } catch let error as PipelineError {
            throw error
        } catch let error as SubmissionError {
            record = linked
            switch error {
            case .journal(let failure): throw .journal(failure)
            case .api(let failure, let noted):
                if failure == .cancelled { throw .cancelled(resume: "nothing had been sent for shot \(shot) (journal entry \(noted.localID)); run the same command again") }
                if failure.isOutcomeUnknown { throw .outcomeUnknown(shot: shot, localID: noted.localID, detail: failure.description) }
                throw .api(failure, shot: shot, requestID: nil)
            }
        } catch {
            throw .options("\(error)")
        }
    }

    static func resumeAdvice(_ requestID: String, stitching: Bool) -> String {
        "job \(requestID) goes on at Segmind; `kling-media wait \(requestID)` finishes it (download\(stitching ? " and stitch" : ""))"
    }

    /// Waits for a submitted shot and saves its output.
    private func finish(_ job: JobRecord, shot: Int, record: ContinuationRecord,
                        options: RunOptions) async throws(PipelineError) {
        let label = label(shot, of: record)
        let path = record.shotPaths[shot - 1]
        let events = events
        let saved: OutputDownload.Saved
        do {
            (_, saved) = try await JobTracker(client: client, journal: journal).finish(
                job, to: path, deadline: options.deadline, maxBytes: options.maxDownloadBytes) { event in
                switch event {
                case .polled(let status, let waited):
                    events(.progress("\(label): \(status.rawValue.lowercased()), \(Formatting.clock(Int(waited.components.seconds))) elapsed"))
                case .completed(let seconds):
                    events(.step("\(label): COMPLETED, \(Formatting.clock(Int(seconds.rounded()))) after it was submitted"))
                case .downloading(let progress):
                    events(.progress("\(label): \(OutputDownload.describe(progress))"))
                case .skipped(let skip):
                    events(.step("\(label): skipped \(skip.url): \(skip.reason); trying the next result URL"))
                case .journalFailed(let error):
                    events(.step("\(label): warning: \(error)"))
                }
            }
        } catch {
            let resume = job.requestID.map { Self.resumeAdvice($0, stitching: record.outputPath != nil) } ?? ""
            switch error {
            case .cancelled: throw .cancelled(resume: resume)
            case .notSubmitted(let job): throw .outcomeUnknown(shot: shot, localID: job.localID, detail: job.error)
            case .api(let failure, let job): throw .api(failure, shot: shot, requestID: job.requestID)
            case .download(let failure): throw .download(failure, shot: shot)
            case .noVideo(let tried, let job):
                throw .noVideo(tried: tried, shot: shot, requestID: job.requestID ?? job.localID, recordExpiresAt: job.recordExpiresAt)
            case .unwritable: throw .download(.unwritable(path, "cannot rename into place"), shot: shot)
            }
        }
        let video = saved.info.primaryVideo
        events(.step("\(label): saved \(path) (\(video?.displayWidth ?? 0)×\(video?.displayHeight ?? 0), "
                     + "\(Formatting.seconds(video?.duration ?? saved.info.format.duration ?? 0)))"))
    }

    private func stitch(_ record: ContinuationRecord, to output: String) async throws(PipelineError) -> StitchReport {
        var options = StitchOptions(target: .last)
        options.crossfade = record.request.crossfade
        let clips = [record.request.source] + record.shotPaths
        let report: StitchReport
        do throws(EditError) {
            let events = events
            report = try await Stitcher.stitch(clips, to: output, options: options) { done, total in
                events(.progress("stitching: \(Self.percent(done, total))"))
            }
        } catch {
            if error == .cancelled {
                throw .cancelled(resume: "the shots are saved; `kling-media resume \(record.localID)` stitches them")
            }
            throw .edit(error)
        }
        let copied = report.clips.filter { $0.action != .reencoded }.count
        events(.step("stitched \(output): \(report.width)×\(report.height), \(Formatting.seconds(report.duration)) "
                     + "(\(report.method == .streamCopy ? "stream copy" : "\(copied) of \(report.clips.count) clips passed through untouched"))"))
        return report
    }

    // MARK: Pieces

    private func upload(_ input: String, label: String) async throws(PipelineError) -> String {
        let name = URL(fileURLWithPath: input).lastPathComponent
        do {
            let events = events
            let (url, uploaded, reused) = try await uploads.url(for: input) { progress in
                let total = progress.bytesToSend.map { " of " + Formatting.bytes($0) } ?? ""
                events(.progress("\(label): uploading \(name): \(Formatting.bytes(progress.bytesSent))\(total)"))
            }
            if let uploaded {
                let how = reused ? "already uploaded in this run:" : uploaded.cached ? "already uploaded:" : "uploaded"
                events(.step("\(label): \(how) \(input) (\(Formatting.bytes(uploaded.bytes)))"))
            }
            return url
        } catch {
            if case .transport(.cancelled) = error { throw .cancelled(resume: "nothing was submitted; run the same command again") }
            throw .upload(error)
        }
    }

    private static func announce(_ check: ContinuationCheck, request: ContinuationRequest, events: PipelineEvents) {
        let clip = check.clip
        let seconds = clip.primaryVideo?.duration ?? clip.format.duration ?? 0
        var line = "checked \(request.source): \(Formatting.seconds(seconds))"
        if let video = clip.primaryVideo, let width = video.displayWidth, let height = video.displayHeight { line += ", \(width)×\(height)" }
        line += check.verdict.warnings.isEmpty ? "; valid for Kling O1" : "; valid for Kling O1 with \(Formatting.count(check.verdict.warnings.count, "warning"))"
        if let aspect = check.verdict.aspect { line += "; aspect_ratio \(aspect.chosen.rawValue) (\(aspect.reason))" }
        events(.step(line))
        for warning in check.verdict.warnings { events(.step("warning: \(warning.message)")) }
        if let preparation = check.preparation { events(.step("the clip will be re-encoded before sending: \(Self.describe(preparation))")) }
    }

    private static func describe(_ options: ConformOptions) -> String {
        var parts: [String] = []
        switch options.trim {
        case .last(let seconds): parts.append("its last \(Formatting.seconds(seconds))")
        case .first(let seconds): parts.append("its first \(Formatting.seconds(seconds))")
        case nil: break
        }
        if let fit = options.fit { parts.append("scaled into \(fit.lowerBound)–\(fit.upperBound) px") }
        if let rate = options.frameRate { parts.append("\(rate.frameRateText) fps") }
        parts.append("upright, square pixels, H.264")
        return parts.joined(separator: ", ")
    }

    private func contentHashes(_ request: ContinuationRequest) throws(PipelineError) -> [String] {
        let files = ([request.source] + request.references + request.elements.joined()).filter { !SharedUploads.isURL($0) }
        var hashes: [String] = []
        for file in files {
            do { hashes.append(try ContentHash.sha256(ofFileAt: file)) } catch { throw .upload(error) }
        }
        return hashes
    }

    private func probe(_ path: String) throws(PipelineError) -> MediaInfo {
        do { return try Probe.file(atPath: path) } catch { throw .unreadable([error]) }
    }

    private func claim(_ key: String, name: Substring) throws(PipelineError) -> JournalLock {
        guard let lock = try journalled({ () throws(JournalError) in try journal.claimContinuation(key: key) }) else {
            throw .journal(.busy(String(name)))
        }
        return lock
    }

    private func journalled<T>(_ body: () throws(JournalError) -> T) throws(PipelineError) -> T {
        do { return try body() } catch { throw .journal(error) }
    }

    private func label(_ shot: Int, of record: ContinuationRecord) -> String {
        "shot \(shot) of \(record.request.shots)"
    }

    private static func percent(_ done: Double, _ total: Double) -> String {
        total > 0 ? "\(Int((min(done / total, 1) * 100).rounded(.down)))%" : "…"
    }

    private func outcome(_ record: ContinuationRecord, alreadyDone: Bool, stitch: StitchReport?) throws(PipelineError) -> ContinuationOutcome {
        var shots: [ContinuationOutcome.Shot] = []
        for (index, path) in record.shotPaths.enumerated() {
            let job = record.jobs[index].flatMap { try? journal.job(localID: $0) }
            shots.append(.init(shot: index + 1, requestID: job?.requestID, path: path, sent: job?.localInputs.first))
        }
        return ContinuationOutcome(localID: record.localID, alreadyDone: alreadyDone, output: record.outputPath,
                                   shots: shots, stitch: stitch)
    }
}
