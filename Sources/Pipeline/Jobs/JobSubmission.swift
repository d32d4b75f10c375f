import HTTP
import Journal
import Segmind

/// Submitting a job so that it can never be lost: the record goes into the journal before the
/// POST, and the request id the moment it is known. A lost answer leaves the record marked
/// `outcome_unknown` (the job may exist and be billed) rather than inviting a second POST.
public struct JobSubmission: Sendable {
    public let client: SegmindClient
    public let journal: JobJournal

    public init(client: SegmindClient, journal: JobJournal) {
        self.client = client
        self.journal = journal
    }

    /// Journals `record` (its state `submitting`), calls `journaled` once it is on disk, then submits.
    /// Returns the record with its request id; on failure, the record says what happened: rejected
    /// only after a 4xx, not submitted only when nothing reached a job, else outcome unknown.
    /// Cancelled after the POST may have left, it waits for the answer as `patience` says.
    public func submit(_ record: JobRecord, patience: AnswerPatience = AnswerPatience(),
                       journaled: (JobRecord) throws(JournalError) -> Void = { _ in }) async throws(SubmissionError) -> JobRecord {
        do {
            try journal.save(record)
            try journaled(record)
        } catch {
            throw .journal(error)
        }
        let parameters = record.parameters
        let submission: Submission
        do {
            submission = try await client.submit(parameters, patience: patience)
        } catch {
            let noted = note(record) {
                switch error.submissionFate {
                case .refused: $0.state = .rejected
                case .neverTaken: $0.state = .notSubmitted
                case .unknown: $0.state = .outcomeUnknown
                }
                $0.error = error.description
            }
            throw .api(error, record: noted)
        }
        // The job's clock starts when Segmind took it, not when the record was made: the POST may
        // have waited for the request budget (minutes, in a busy batch), and the first poll, the
        // record's expiry and the time such jobs take are all counted from here (to the instant
        // while this process lives; the journal keeps the second).
        let accepted = Date()
        TypicalProcessing.noteAccepted(record, at: accepted)
        return note(record) {
            $0.submittedAt = JournalClock.stored(accepted)
            $0.requestID = submission.requestID
            $0.state = JobRecord.State(submission.status)
            $0.statusURL = submission.statusURL
            $0.responseURL = submission.responseURL
        }
    }

    /// Applies `change` to the job's record; the answer in hand is kept whatever the journal does.
    private func note(_ record: JobRecord, _ change: (inout JobRecord) -> Void) -> JobRecord {
        journal.note(record, change).record
    }
}

public enum SubmissionError: Error {
    case journal(JournalError)
    /// Segmind's answer, with the record as it now stands in the journal.
    case api(APIError, record: JobRecord)
}

extension APIError {
    /// The job may exist (and be billed), and its id is not known.
    public var isOutcomeUnknown: Bool { submissionFate == .unknown }
}

extension JobRecord.State {
    public init(_ status: JobStatus) {
        switch status {
        case .queued: self = .queued
        case .processing: self = .processing
        case .completed: self = .completed
        case .failed: self = .failed
        }
    }
}
