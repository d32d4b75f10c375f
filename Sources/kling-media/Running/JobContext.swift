import ArgumentParser
import Journal
import Pipeline
import Segmind
import Support

/// What the job commands (`submit`, `status`, `wait`) work with: the user's session, and the
/// journal's record of the job they name.
struct JobContext {
    let command: CommandSession

    var session: Session { command.session }
    var client: SegmindClient { command.session.client }
    var journal: JobJournal { command.session.journal }
    var configuration: SegmindConfiguration { command.configuration }

    /// Loads them (the simulation's with `simulate`), or ends the command with status 2 and a line
    /// saying what to set or add.
    static func load(_ command: String, simulate: Bool, notices: NoticePrinter,
                     adjust: (inout SegmindClient) -> Void = { _ in }) throws -> JobContext {
        JobContext(command: try CommandSession.forJobs(command, simulate: simulate, notices: notices, adjust: adjust))
    }

    /// The journal alone (for `jobs`, which sends nothing and needs no key): the real one, or the
    /// simulation's.
    static func openJournal(simulated: Bool) throws -> JobJournal {
        let directory = simulated ? Session.Folders.simulation().journal : JobJournal.defaultDirectory()
        do { return try JobJournal(directory: directory) } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }

    /// The journal's record for `id`, or a fresh, unsaved one for an id this machine never
    /// submitted (so `status` and `wait` work for jobs submitted elsewhere too). The fresh one is
    /// written once Segmind has answered for it, so a mistyped id leaves no trace. An id that is
    /// not one (it could climb out of a URL path or a folder) is refused before anything is read.
    func record(for id: String) throws -> JobRecord {
        guard RequestID.isValid(id) else {
            Terminal.reportFailure("\(Redaction.redact(String(id.prefix(80)))) is not a request id (letters, digits and -, at most 64)")
            throw ExitStatus.unusable.code
        }
        do { return try journal.find(id) } catch {
            if case .unknownJob = error, let requestID = RequestID(id) {
                var record = JobRecord(parameters: KlingRequest(prompt: "", videoURL: ""), apiBase: configuration.apiBase)
                record.requestID = requestID
                record.state = .queued
                record.parametersSHA256 = ""
                return record
            }
            throw Terminal.fail(error, status: .unusable)
        }
    }

    /// Whether the journal holds this record (or it is one `record(for:)` made up).
    func isJournaled(_ record: JobRecord) -> Bool {
        (try? journal.job(localID: record.localID)) != nil
    }

    /// The record of a job that has a request id, with that id; ends the command (status 5) for a
    /// journal entry whose submission never got an answer.
    func submittedJob(_ id: String) throws -> (record: JobRecord, requestID: RequestID) {
        let record = try record(for: id)
        guard let requestID = record.requestID else {
            throw Terminal.fail(JobNotSubmitted(record: record), status: .unavailable)
        }
        return (record, requestID)
    }

    /// Applies `change` to the job's record (see `JobJournal.note`); a journal failure is said
    /// but never loses the answer in hand (the caller still prints it).
    @discardableResult
    func note(_ record: JobRecord, _ change: (inout JobRecord) -> Void) -> JobRecord {
        let noted = journal.note(record, saveIfMissing: true, change)
        if let failure = noted.failure { Terminal.report(failure) }
        return noted.record
    }
}
