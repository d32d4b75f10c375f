import ArgumentParser
import FoundationEssentials
import MediaKit
import Pipeline
import Uploader

/// Where `continue`, `batch`, `resume` and `wait` run a pipeline: Segmind with the user's key and
/// journal, or, with no key (or --simulate), the built-in simulator on loopback with a journal and
/// upload cache of its own that end with the run (the simulator's jobs end with it too).
final class PipelineSession: Sendable {
    let client: SegmindClient
    let journal: JobJournal
    let uploads: SharedUploads
    let simulator: BuiltInSimulator?

    private init(client: SegmindClient, journal: JobJournal, uploads: SharedUploads, simulator: BuiltInSimulator?) {
        self.client = client
        self.journal = journal
        self.uploads = uploads
        self.simulator = simulator
    }

    var isSimulated: Bool { simulator != nil }

    /// The user's Segmind setup, or the simulator when asked for or when no key is set. The
    /// client's waits are said through `notices`.
    static func open(simulate: Bool, notices: NoticePrinter) throws -> PipelineSession {
        let configuration: SegmindConfiguration?
        do { configuration = simulate ? nil : try SegmindConfiguration.load() } catch {
            throw Terminal.fail(error, status: .unusable)
        }
        if let configuration {
            let journal = try JobContext.openJournal()
            return PipelineSession(client: JobContext.client(configuration, notices: notices), journal: journal,
                                   uploads: uploads(configuration, cache: UploadCache(path: UploadCache.defaultPath())), simulator: nil)
        }
        return try simulated(because: simulate ? "--simulate" : "no SEGMIND_API_KEY is set", notices: notices)
    }

    /// The user's Segmind setup only (for commands that go on with journalled jobs).
    static func real(notices: NoticePrinter) throws -> PipelineSession {
        PipelineSession(context: try JobContext.load(notices: notices))
    }

    convenience init(context: JobContext) {
        self.init(client: context.client, journal: context.journal,
                  uploads: Self.uploads(context.configuration, cache: UploadCache(path: UploadCache.defaultPath())), simulator: nil)
    }

    private static func simulated(because reason: String, notices: NoticePrinter) throws -> PipelineSession {
        let simulator: BuiltInSimulator
        do { simulator = try BuiltInSimulator() } catch { throw Terminal.fail(error, status: .unusable) }
        Terminal.printError("""
            kling-media: SIMULATION (\(reason)): this runs against the built-in simulator on \(simulator.baseURL). \
            Nothing is sent to Segmind or paid for, and each new shot is a generated test pattern. \
            \(reason == "--simulate" ? "Without --simulate" : "With SEGMIND_API_KEY set"), it makes real shots.
            """)
        // Generous: the simulator does not rate-limit unless asked to.
        let configuration = SegmindConfiguration(apiKey: APIKey(BuiltInSimulator.apiKey), apiBase: simulator.baseURL,
                                                 requestsPerMinute: 600, uploadURL: simulator.baseURL + "/upload-asset")
        let journal: JobJournal
        do { journal = try JobJournal(directory: simulator.outputDirectory + "/journal") } catch {
            simulator.stop()
            throw Terminal.fail(error, status: .unusable)
        }
        var client = SegmindClient(configuration: configuration,
                                   encodingMemory: RequestEncodingMemory(path: simulator.outputDirectory + "/request-encoding.json"))
        client.notices = { notices.print($0) }
        return PipelineSession(client: client, journal: journal,
                               uploads: uploads(configuration, cache: UploadCache(path: simulator.outputDirectory + "/uploads.json")),
                               simulator: simulator)
    }

    private static func uploads(_ configuration: SegmindConfiguration, cache: UploadCache) -> SharedUploads {
        SharedUploads(uploader: FileUploader(backend: SegmindStorage(configuration: configuration), cache: cache))
    }

    func runner(events: @escaping PipelineEvents) -> ContinuationRunner {
        ContinuationRunner(client: client, journal: journal, uploads: uploads, events: events)
    }

    func close() {
        simulator?.stop()
    }
}

/// Pipeline events on standard error: steps as lines, progress on the status line.
final class EventPrinter: Sendable {
    let line: StatusLine
    /// The client's waits, on the same status line.
    let notices: NoticePrinter

    init(line: StatusLine) {
        self.line = line
        notices = NoticePrinter(line: line)
    }

    func print(_ event: PipelineEvent, prefix: String = "") {
        switch event {
        case .step(let text):
            line.finish()
            Terminal.printError(prefix + text)
        case .progress(let text):
            line.show(prefix + text)
        }
    }
}

extension ExitStatus {
    init(_ error: PipelineError) {
        switch error {
        case .journal(.busy): self = .unavailable
        case .unreadable, .clipIsAURL, .options, .journal, .doneButFilesMissing: self = .unusable
        case .invalid: self = .invalid
        case .edit(let failure): self = failure == .cancelled ? .interrupted : .unusable
        case .upload(let failure):
            switch failure {
            case .unreadable: self = .unusable
            case .refused(let status, _) where status == 401 || status == 403: self = .refused
            default: self = .unavailable
            }
        case .api(let failure, _, _): self = ExitStatus(failure)
        case .download(.tooLarge, _): self = .unusable
        case .download, .noVideo, .outcomeUnknown: self = .unavailable
        case .earlierFailure(_, _, let failed, _): self = failed ? .jobFailed : .notFound
        case .cancelled: self = .interrupted
        }
    }
}

/// How a pipeline failure reaches the user: the verdict in full for invalid inputs (as `validate`
/// prints it), one line on standard error for the rest, and the exit status that belongs to it.
enum PipelineFailure {
    static func report(_ error: PipelineError, json: Bool, simulated: Bool, request: ContinuationRequest? = nil) -> ExitCode {
        switch error {
        case .invalid(let verdict, let clip, let hint):
            if json {
                JSONOutput.print(ValidationReport(video: clip.format.filename, verdict: verdict, duration: request?.duration ?? 5,
                                                  keepAudio: request?.keepAudio ?? false))
            } else {
                Terminal.print(VerdictText.render(verdict, video: clip))
            }
            if let hint { Terminal.printError("kling-media: \(hint)") }
        case .unreadable(let failures):
            for failure in failures { Terminal.report(failure) }
        case .cancelled where simulated:
            Terminal.printError("kling-media: interrupted; this was a simulation, so nothing goes on without it")
        default:
            Terminal.report(error)
        }
        return ExitStatus(error).code
    }
}
