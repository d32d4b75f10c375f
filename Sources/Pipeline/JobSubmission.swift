import Uploader

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
    /// Returns the record with its request id; on failure, the record says what happened.
    public func submit(_ record: JobRecord, journaled: (JobRecord) throws(JournalError) -> Void = { _ in })
        async throws(SubmissionError) -> JobRecord {
        do {
            try journal.save(record)
            try journaled(record)
        } catch {
            throw .journal(error)
        }
        let parameters = record.parameters
        let submission: Submission
        do {
            submission = try await client.submit(parameters)
        } catch {
            let noted = note(record) {
                $0.state = error.isOutcomeUnknown ? .outcomeUnknown : .rejected
                $0.error = error.description
            }
            throw .api(error, record: noted)
        }
        return note(record) {
            $0.requestID = submission.requestID
            $0.state = JobRecord.State(submission.status)
        }
    }

    /// Applies `change` to the job's record. A journal that fails here never loses the answer in
    /// hand: the changed record is returned either way.
    @discardableResult
    public func note(_ record: JobRecord, _ change: (inout JobRecord) -> Void) -> JobRecord {
        if let updated = try? journal.update(record.localID, change) { return updated }
        var copy = record
        change(&copy)
        return copy
    }
}

public enum SubmissionError: Error {
    case journal(JournalError)
    /// Segmind's answer, with the record as it now stands in the journal.
    case api(APIError, record: JobRecord)
}

extension APIError {
    /// The submission's answer was lost after it was sent: the job may exist.
    public var isOutcomeUnknown: Bool {
        if case .submissionOutcomeUnknown = self { return true }
        return false
    }
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
