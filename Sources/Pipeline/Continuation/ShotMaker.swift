import HTTP
import Journal
import KlingRules
import Segmind
import Support
import Uploader

/// One shot of a continuation, from wherever it stood: already saved, in flight (waited for, never
/// submitted again), stopped by an earlier failure (reported, submitted again only when asked), or
/// made now: its clip prepared, its files uploaded, the job submitted (journalled first and linked
/// to the continuation), followed to its file.
struct ShotMaker {
    let session: Session
    let events: PipelineEvents

    func make(_ shot: Int, of record: inout ContinuationRecord, check: ContinuationCheck, options: RunOptions) async throws(PipelineError) {
        let path = record.shotPaths[shot - 1]
        let number = ShotNumber(shot, of: record.request.shots)
        if let jobID = record.jobs[shot - 1], let job = try? session.journal.job(localID: jobID) {
            if job.state == .downloaded, SystemCalls.exists(path) {
                events(.savedEarlier(number, path: path))
                return
            }
            let fetchable = !job.resultURLs.isEmpty
                || (job.requestID != nil && [.queued, .processing, .completed].contains(job.state))
            if fetchable {
                // Paid for: nothing to refuse, but its room is promised, so that what starts
                // beside it (a batch's next line, another run) does not count on that room.
                RoomCheck(record, fromShot: shot).keep(in: session.roomPromises, for: record.localID)
                events(.waitingForEarlierJob(number, job: job.requestID?.rawValue ?? job.localID))
                try await finish(job, shot: shot, record: record, check: check, options: options)
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
        // A shot is paid for only where it can be saved: the room is asked for before the clip is
        // prepared or anything is sent (a batch's disk fills as it goes, so before every shot), and
        // kept for it until its run ends (the batch's other lines in flight are promised theirs).
        try RoomCheck(record, fromShot: shot).verify(promising: session.roomPromises, to: record.localID)
        let (clip, aspect) = try await ClipPreparation(events: events).clip(for: shot, of: record, check: check)
        let job = try await submit(clip, aspect: aspect, shot: shot, of: &record, options: options)
        try await finish(job, shot: shot, record: record, check: check, options: options)
    }

    /// Uploads the shot's inputs and submits it, journalled before the POST and linked to the continuation.
    private func submit(_ clip: String, aspect: AspectRatioOption, shot: Int, of record: inout ContinuationRecord,
                        options: RunOptions) async throws(PipelineError) -> JobRecord {
        let request = record.request
        let number = ShotNumber(shot, of: request.shots)
        let clipURL = try await upload(clip, shot: number)
        var imageURLs: [String] = []
        for reference in request.references { imageURLs.append(try await upload(reference, shot: number)) }
        var elements: [KlingElement] = []
        for element in request.elements {
            var urls: [String] = []
            for image in element { urls.append(try await upload(image, shot: number)) }
            elements.append(KlingElement(frontalImageURL: urls[0], referenceImageURLs: Array(urls.dropFirst())))
        }
        let parameters = KlingRequest(prompt: request.prompt, videoURL: clipURL, imageURLs: imageURLs, elements: elements,
                                      aspectRatio: aspect, duration: request.duration, keepAudio: request.keepAudio)
        var job = JobRecord(parameters: parameters, apiBase: session.client.configuration.apiBase,
                            localInputs: [clip] + (request.references + request.elements.joined()).filter { !URLText.isHTTP($0) },
                            outputPath: record.shotPaths[shot - 1])
        job.continuation = ContinuationLink(localID: record.localID, shot: shot)
        let continuationID = record.localID
        var linked = record
        let events = events
        // Ctrl-C once the POST may have left waits for the answer (it carries the job's id).
        let patience = AnswerPatience(seconds: options.answerPatience, stop: options.stopWaiting) {
            events(.awaitingSubmissionAnswer(number))
        }
        let continuations = session.continuations
        let submitted: JobRecord
        do {
            submitted = try await JobSubmission(client: session.client, journal: session.journal).submit(job, patience: patience) {
                saved throws(JournalError) in
                linked = try continuations.update(continuationID) { $0.jobs[shot - 1] = saved.localID }
            }
        } catch {
            record = linked
            switch error {
            case .journal(let failure): throw .journal(failure)
            case .api(let failure, let noted):
                if failure == .cancelled {
                    throw .cancelled(resume: .runAgain(detail: "nothing had been sent for shot \(shot) (journal entry \(noted.localID))"))
                }
                if failure.isOutcomeUnknown { throw .outcomeUnknown(shot: shot, localID: noted.localID, detail: failure.description) }
                throw .api(failure, shot: shot, requestID: nil)
            }
        }
        record = linked
        events(.submitted(number, requestID: submitted.requestID, aspect: aspect, duration: request.duration))
        if Task.isCancelled, let requestID = submitted.requestID {
            throw .cancelled(resume: .wait(requestID, stitching: record.outputPath != nil))
        }
        return submitted
    }

    /// Waits for a submitted shot and saves its output.
    private func finish(_ job: JobRecord, shot: Int, record: ContinuationRecord, check: ContinuationCheck,
                        options: RunOptions) async throws(PipelineError) {
        let number = ShotNumber(shot, of: record.request.shots)
        let path = record.shotPaths[shot - 1]
        let events = events
        let saved: OutputDownload.Saved
        do {
            (_, saved) = try await JobTracker(client: session.client, journal: session.journal).finish(
                job, to: path, deadline: options.deadline, maxBytes: options.maxDownloadBytes) { events(.job(number, $0)) }
        } catch {
            let stitching = record.outputPath != nil
            let resume = job.requestID.map { ResumeAdvice.wait($0, stitching: stitching) }
                ?? .runAgain(detail: "nothing had been sent for shot \(shot)")
            let fetchAgain = job.requestID.map { ResumeAdvice.download($0, stitching: stitching, recordExpiresAt: job.recordExpiresAt) }
                ?? resume
            switch error {
            case .cancelled: throw .cancelled(resume: resume)
            case .notSubmitted(let job): throw .outcomeUnknown(shot: shot, localID: job.localID, detail: job.error)
            case .api(let failure, let job): throw .api(failure, shot: shot, requestID: job.requestID)
            case .download(let failure): throw .download(failure, shot: shot, resume: fetchAgain)
            case .noVideo(let tried, let job):
                throw .noVideo(tried: tried, shot: shot, job: job.requestID?.rawValue ?? job.localID, recordExpiresAt: job.recordExpiresAt)
            case .unwritable: throw .download(.unwritable(path, "cannot rename into place"), shot: shot, resume: fetchAgain)
            }
        }
        events(.saved(number, path: path, info: saved.info))
        // What this host really returns, for the next stitch made ahead (`auto` is judged from the
        // clip sent, known here for the first shot only).
        let aspect = job.parameters.aspectRatio
        if aspect != .auto || shot == 1 {
            session.shotShapes?.remember(saved.info, host: session.client.configuration.apiHost, aspect: aspect,
                                         clip: shot == 1 ? check.clip : nil, duration: job.parameters.duration)
        }
    }

    private func upload(_ input: String, shot: ShotNumber) async throws(PipelineError) -> String {
        do {
            return try await session.uploads.url(for: input, shot: shot, events: events)
        } catch {
            if case .transport(.cancelled) = error { throw .cancelled(resume: .runAgain(detail: "nothing was submitted")) }
            throw .upload(error)
        }
    }
}
