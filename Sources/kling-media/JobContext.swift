import ArgumentParser
import FoundationEssentials
import Uploader

/// What the job commands share: the configuration, the client and the journal.
struct JobContext {
    let configuration: SegmindConfiguration
    var client: SegmindClient
    let journal: JobJournal

    /// Loads them, or ends the command with status 2 and a line saying what to set.
    static func load(notices: NoticePrinter) throws -> JobContext {
        let journal = try openJournal()
        let configuration: SegmindConfiguration?
        do { configuration = try SegmindConfiguration.load() } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        guard let configuration else {
            Terminal.printError("""
                kling-media: no API key: set SEGMIND_API_KEY, or write {"api_key": "SG_…"} to \
                \(SegmindConfiguration.configPath(environment: ProcessInfo.processInfo.environment)) (mode 0600). \
                To try it without a key, run `kling-media simulator` and follow what it prints.
                """)
            throw ExitStatus.unusable.code
        }
        if !configuration.apiKey.looksLikeSegmindKey {
            Terminal.printError("kling-media: warning: SEGMIND_API_KEY does not look like a Segmind key (SG_ and hex digits)")
        }
        return JobContext(configuration: configuration, client: client(configuration, notices: notices), journal: journal)
    }

    /// A client for the user's configuration: it remembers the body spelling Segmind accepted in the
    /// state folder, and says its waits through `notices`.
    static func client(_ configuration: SegmindConfiguration, notices: NoticePrinter) -> SegmindClient {
        var client = SegmindClient(configuration: configuration, encodingMemory: RequestEncodingMemory(path: RequestEncodingMemory.defaultPath()))
        client.notices = { notices.print($0) }
        return client
    }

    static func openJournal() throws -> JobJournal {
        do { return try JobJournal(directory: JobJournal.defaultDirectory()) } catch {
            throw Terminal.fail(error, status: .unusable)
        }
    }

    /// The journal's record for `id`, or a fresh, unsaved one for an id this machine never
    /// submitted (so `status` and `wait` work for jobs submitted elsewhere too). The fresh one is
    /// written by `note` once Segmind has answered for it, so a mistyped id leaves no trace.
    func record(for id: String) throws -> JobRecord {
        // An id goes into URL paths and file names: one that could climb out of either is refused
        // before anything is read, requested or written.
        guard RequestIDFormat.isValid(id) else { throw Terminal.fail(APIError.invalidRequestID(id), status: .unusable) }
        do { return try journal.find(id) } catch {
            if case .unknownJob = error {
                var record = JobRecord(parameters: KlingRequest(prompt: "", videoURL: ""), apiBase: configuration.apiBase)
                record.requestID = id
                record.state = .queued
                record.parametersSHA256 = ""
                return record
            }
            throw Terminal.fail(error, status: .unusable)
        }
    }

    /// Whether the journal holds this record (or it is one `record(for:)` made up).
    func isJournaled(_ record: JobRecord) -> Bool {
        (try? journal.find(record.localID)) != nil
    }

    /// The record of a job that has a request id, with that id; ends the command (status 5) for a
    /// journal entry whose submission never got an answer.
    func submittedJob(_ id: String) throws -> (record: JobRecord, requestID: String) {
        let record = try record(for: id)
        guard let requestID = record.requestID else {
            throw Terminal.fail(JobNotSubmitted(record: record), status: .unavailable)
        }
        return (record, requestID)
    }

    /// Applies `change` to the job's record; a journal failure is reported but never loses the
    /// answer in hand (the caller still prints it).
    @discardableResult
    func note(_ record: JobRecord, _ change: (inout JobRecord) -> Void) -> JobRecord {
        var copy = record
        do { return try journal.update(record.localID, change) } catch {
            change(&copy)
            copy.updatedAt = JobRecord.now()
            if case .unknownJob = error {
                // First word from Segmind about a job submitted elsewhere: it goes in now.
                do { try journal.save(copy) } catch { Terminal.report(error) }
            } else {
                Terminal.report(error)
            }
            return copy
        }
    }
}

/// "3 min ago", "in 57 min": times people read at a glance.
enum RelativeTime {
    static func describe(_ date: Date, now: Date = Date()) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let magnitude = abs(seconds)
        if magnitude < 5 { return "just now" }
        let text: String
        switch magnitude {
        case ..<60: text = "\(magnitude) s"
        case ..<3600: text = "\(magnitude / 60) min"
        case ..<86400: text = "\(magnitude / 3600) h \(magnitude % 3600 / 60) min"
        default: text = "\(magnitude / 86400) d"
        }
        return seconds < 0 ? "\(text) ago" : "in \(text)"
    }
}
