import HTTP
import Journal
import MediaKit
import Segmind
import Synchronization

/// Following one submitted job to its file: poll until it finishes, keep its result URLs in the
/// journal the moment they are known (the record expires in an hour, the files later), then save
/// the first URL that gives a complete video. `wait`, `resume`, `continue` and `batch` all follow
/// jobs through this, so they poll, record and download alike.
public struct JobTracker: Sendable {
    public let client: SegmindClient
    public let journal: JobJournal

    public init(client: SegmindClient, journal: JobJournal) {
        self.client = client
        self.journal = journal
    }

    /// What happens while a job is followed.
    public enum Event: Sendable {
        /// A poll's answer, and how long it has been waited for in this run.
        case polled(JobStatus, waited: Duration)
        /// The job finished, this long after it was submitted.
        case completed(afterSubmission: TimeInterval)
        case downloading(TransferProgress)
        /// A result URL that did not give a video, passed over for the next.
        case skipped(OutputDownload.SkippedURL)
        /// The result's links did not lead to it (`reason`): Segmind was asked for them again.
        case askedForFreshLinks(reason: String)
        /// The journal could not be written; the answer in hand is kept in memory and used.
        case journalFailed(JournalError)
    }

    public enum Failure: Error {
        /// Segmind's answer (a FAILED job, an expired record, the network…); the record says it too.
        case api(APIError, record: JobRecord)
        case download(DownloadError)
        /// No result URL gave a complete video; the record keeps them until it expires.
        case noVideo(tried: [OutputDownload.SkippedURL], record: JobRecord)
        case unwritable(String)
        /// Ctrl-C: the job goes on at Segmind.
        case cancelled
        /// The record has no request id: its submission never got an answer.
        case notSubmitted(JobRecord)
    }

    /// Waits for `start` (unless its result URLs are known already) and saves its video at `path`.
    /// Returns the record as the journal now has it, and what was saved.
    public func finish(_ start: JobRecord, to path: String, deadline: ContinuousClock.Instant? = nil,
                       maxBytes: Int64 = Downloader.defaultMaxBytes,
                       events: @escaping @Sendable (Event) -> Void = { _ in }) async throws(Failure) -> (JobRecord, OutputDownload.Saved) {
        var job = start
        guard let location = job.location else { throw .notSubmitted(job) }
        if job.resultURLs.isEmpty {
            let started = ContinuousClock.now
            do {
                let firstPoll = client.polling.waitsForTypicalTime ? TypicalProcessing.firstPoll(for: job, in: journal) : 0
                // Only a job watched from its submission tells how long such jobs take: one waited
                // for hours later (after a crash, say) would teach that they take hours.
                let watchedFromSubmission = Date().timeIntervalSince(job.submittedAt) < TypicalProcessing.watchedWithin
                // When it finished, as far as the polls tell: after the last that found it running
                // answered; by when the first that found it done was due if none found it running
                // (it was done in the wait it was given), else by that one's answer (a poll that
                // waited for the budget may find done a job that finished after it was due).
                let seen = Mutex<(runningUntil: Date?, doneBy: Date?)>((nil, nil))
                let result = try await client.waitForResult(of: location, deadline: deadline, firstPollAfter: firstPoll) { poll in
                    if poll.status == .queued || poll.status == .processing { seen.withLock { $0.runningUntil = Date() } }
                    if poll.status == .completed { seen.withLock { $0.doneBy = $0.runningUntil == nil ? poll.due : Date() } }
                    events(.polled(poll.status, waited: started.duration(to: .now)))
                }
                let (runningUntil, seenDoneBy) = seen.withLock { $0 }
                let doneBy = seenDoneBy ?? Date()
                job = note(job, events) {
                    $0.outputURL = result.outputURL
                    $0.outputURLs = result.outputURLs
                    $0.state = .completed
                    if watchedFromSubmission, $0.completedAt == nil {
                        $0.completedAt = JournalClock.stored(doneBy)
                        $0.runningUntil = runningUntil.map(JournalClock.stored)
                        $0.processingSeconds = TypicalProcessing.sample($0, runningUntil: runningUntil, doneBy: doneBy)
                    }
                }
                if watchedFromSubmission {
                    TypicalProcessing.learn(job, in: journal)
                }
                TypicalProcessing.forget(job)
                events(.completed(afterSubmission: Date().timeIntervalSince(job.submittedAt)))
            } catch {
                switch error {
                case .cancelled: throw .cancelled
                case .jobFailed(_, let detail): job = note(job, events) { $0.state = .failed; $0.error = detail }
                // Only a job the journal already knows is marked: a mistyped id leaves no record.
                case .notFound: job = note(job, events, saveIfMissing: false) { $0.state = .expired }
                default: throw .api(error, record: job)
                }
                // Failed or gone: the job is over.
                TypicalProcessing.forget(job)
                throw .api(error, record: job)
            }
        }
        // Links kept from an earlier run are tried briefly before Segmind is asked for fresh ones:
        // they may have ended, or point at a host that is gone (the built-in simulator listens
        // on another port each run), and a host that does not answer would be waited for ~15 s.
        let kept = !start.resultURLs.isEmpty
        let saved: OutputDownload.Saved
        do {
            saved = try await fetch(job.resultURLs, to: path, maxBytes: maxBytes, attempts: kept ? Self.keptLinkAttempts : Downloader.defaultAttempts,
                                    events: events)
        } catch {
            // Links that no longer lead to the file (a CDN's signature past its end, a host that
            // moved or restarted) are not the end of a paid-for result: Segmind's record, while it
            // lasts, gives links afresh. Asked once, and used only when they differ. Kept links whose
            // transfer broke off (a timeout, a dropped connection) get the rest of their tries.
            let moreTries = kept && Self.brokeOff(error)
            let reason = Self.freshLinksMayMend(error)
            if let reason, let fresh = await freshLinks(for: location, deadline: deadline), fresh.outputURLs != job.resultURLs {
                events(.askedForFreshLinks(reason: reason))
                job = note(job, events) {
                    $0.outputURL = fresh.outputURL
                    $0.outputURLs = fresh.outputURLs
                }
            } else if !moreTries {
                throw Self.failure(error, record: job)
            }
            do {
                saved = try await fetch(job.resultURLs, to: path, maxBytes: maxBytes, attempts: Downloader.defaultAttempts, events: events)
            } catch {
                throw Self.failure(error, record: job)
            }
        }
        job = note(job, events) {
            $0.state = .downloaded
            $0.outputPath = path
            $0.outputURL = saved.url
        }
        return (job, saved)
    }

    /// Tries of links kept from an earlier run before fresh ones are asked for.
    static let keptLinkAttempts = 2

    private func fetch(_ urls: [String], to path: String, maxBytes: Int64, attempts: Int,
                       events: @escaping @Sendable (Event) -> Void) async throws(OutputDownload.Failure) -> OutputDownload.Saved {
        try await OutputDownload.fetch(urls, to: path, maxBytes: maxBytes, attempts: attempts,
                                       progress: { events(.downloading($0)) }, skipped: { events(.skipped($0)) })
    }

    /// The job's result as Segmind gives it now; nil when it will not say (its record gone, the
    /// network down): the failure in hand is then the one to report.
    private func freshLinks(for location: JobLocation, deadline: ContinuousClock.Instant?) async -> JobResult? {
        try? await client.result(of: location.requestID, responseURL: location.responseURL, deadline: deadline)
    }

    /// Why asking for the result's links again may mend `error`, in words; nil when it cannot
    /// (the disk, Ctrl-C, the size cap, a file that is no video).
    static func freshLinksMayMend(_ error: OutputDownload.Failure) -> String? {
        switch error {
        case .noVideo(let tried) where !tried.isEmpty && tried.allSatisfy(\.linkRefused):
            let statuses = Set(tried.compactMap(\.status)).sorted().map(String.init).joined(separator: ", ")
            return "its links were refused (\(statuses))"
        case .download(.transport(let error)):
            switch error {
            case .couldNotResolve, .couldNotConnect: return "its links' host could not be reached (\(error))"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The transfer broke off (no answer from the host), as another try may mend; not a refusal.
    private static func brokeOff(_ error: OutputDownload.Failure) -> Bool {
        if case .download(.transport) = error { return true }
        return false
    }

    private static func failure(_ error: OutputDownload.Failure, record: JobRecord) -> Failure {
        switch error {
        case .download(.cancelled): return .cancelled
        case .download(let failure): return .download(failure)
        case .noVideo(let tried): return .noVideo(tried: tried, record: record)
        case .unwritable(let path): return .unwritable(path)
        }
    }

    /// Applies `change` to the job's record in the journal. A record the journal does not hold (a
    /// job submitted elsewhere, followed by id) goes in now: Segmind has answered for it. A journal
    /// that fails never loses the answer in hand: the changed record is returned either way.
    @discardableResult
    public func note(_ record: JobRecord, _ events: (Event) -> Void = { _ in }, saveIfMissing: Bool = true,
                     _ change: (inout JobRecord) -> Void) -> JobRecord {
        let noted = journal.note(record, saveIfMissing: saveIfMissing, change)
        if let failure = noted.failure { events(.journalFailed(failure)) }
        return noted.record
    }
}
