import MediaKit
import Segmind
import Support

/// A fault the tests (or `--flaky`) stage: the next `count` requests whose path starts with
/// `path` get `status`, or have their connection dropped mid-answer, or wait `delay` seconds.
struct Fault: Decodable, Sendable {
    var status: Int?
    /// With status 429: the window resets this many seconds later (sent as x-rate-limit-reset-at-utc).
    var resetAfter: Double?
    var drop: Bool?
    var delay: Double?
    /// The request is acted on, but its 2xx answer's body is garbage (not JSON).
    var garble: Bool?
    /// A file is sent whole, but promised longer, then the connection breaks: the client holds
    /// every byte and does not know it.
    var overstate: Bool?
    var count: Int
    var path: String?

    enum CodingKeys: String, CodingKey {
        case status, drop, delay, count, path, garble, overstate
        case resetAfter = "reset_after"
    }
}

/// What the simulator saw of one request, for tests of the client's behaviour and hygiene.
struct RequestRecord: Encodable, Sendable {
    let method: String
    let path: String
    let host: String
    let sentAPIKey: Bool
    /// Seconds since the simulator started, when the request arrived.
    let arrived: Double
    /// The status it was answered with; 0 while unanswered.
    var status: Int = 0
    /// The Range header, when one was sent.
    var range: String?
    /// A submission's body, as sent (how it spelled its fields).
    var body: String?
    /// Seconds since the simulator started, when the answer was ready (what a timeline of a
    /// batch measures waits from).
    var answered: Double?
    /// The job a submission made or a status answer spoke of, and its status then.
    var requestID: String?
    var jobStatus: String?

    enum CodingKeys: String, CodingKey {
        case method, path, host, arrived, status, range, body, answered
        case requestID = "request_id", jobStatus = "job_status"
        case sentAPIKey = "sent_api_key"
    }
}

/// Everything the simulator remembers: jobs, staged faults, rate windows, the request log.
actor SimulatorState {
    let configuration: SimulatorConfiguration
    private var jobs: [String: SimulatedJob] = [:]
    private var faults: [Fault] = []
    private var log: [RequestRecord] = []
    private var windows: [String: (start: Date, count: Int)] = [:]
    private var creditSecondsLeft: Int?
    /// One generated clip per distinct size and length, linked under each job's name.
    private var renderedClips: [String: Task<String, any Error>] = [:]

    /// Where uploaded files go: beside the outputs.
    nonisolated let uploadDirectory: String
    /// Where jobs are kept, with `--state-dir`; without it they live as long as the process.
    private let store: SimulatedJobStore?

    init(configuration: SimulatorConfiguration) throws(PrivateFolderError) {
        self.configuration = configuration
        creditSecondsLeft = configuration.creditSeconds
        uploadDirectory = configuration.outputDirectory + "/uploads"
        try? FileManager.default.createDirectory(atPath: uploadDirectory, withIntermediateDirectories: true)
        store = try configuration.stateDirectory.map { directory throws(PrivateFolderError) in
            try SimulatedJobStore(directory: directory + "/jobs")
        }
    }

    private let started = ContinuousClock.now

    /// Notes a request; returns its place in the log, to note its answer there later.
    /// While set, no job finishes: they stay PROCESSING (tests use it to act mid-wait for certain).
    private(set) var holding = false
    func hold(_ value: Bool) { holding = value }

    /// Signed output links made before this (milliseconds since 1970) are past their end, whatever
    /// their `expires` says: a test ends links when it needs to, not after a sleep.
    private(set) var linksSignedBefore: Int64 = 0
    func expireLinks() { linksSignedBefore = Int64(Date().timeIntervalSince1970 * 1000) + 1 }

    /// While set, submissions are taken (the job exists, is charged) but their answers wait: what a
    /// client sees when Ctrl-C comes mid-POST, for as long as a test needs to act.
    private var answersHeld = false
    private var heldAnswers: [CheckedContinuation<Void, Never>] = []

    func holdAnswers(_ value: Bool) {
        answersHeld = value
        if !value {
            let waiting = heldAnswers
            heldAnswers = []
            for answer in waiting { answer.resume() }
        }
    }

    /// Returns once answers are not held.
    func answerWhenReleased() async {
        guard answersHeld else { return }
        await withCheckedContinuation { heldAnswers.append($0) }
    }

    func record(method: String, path: String, host: String, sentAPIKey: Bool, range: String? = nil) -> Int {
        log.append(RequestRecord(method: method, path: path, host: host, sentAPIKey: sentAPIKey,
                                 arrived: started.duration(to: .now).inSeconds, range: range))
        return log.count - 1
    }

    func recordBody(_ body: String, at index: Int) {
        if log.indices.contains(index) { log[index].body = body }
    }

    func recordAnswer(_ status: Int, at index: Int) {
        guard log.indices.contains(index) else { return }
        log[index].status = status
        log[index].answered = started.duration(to: .now).inSeconds
    }

    func recordJob(_ id: String, status: String, at index: Int) {
        guard log.indices.contains(index) else { return }
        log[index].requestID = id
        log[index].jobStatus = status
    }
    func requestLog() -> [RequestRecord] { log }
    func stage(_ fault: Fault) { faults.append(fault) }

    /// The first staged fault for `path`, used up by one.
    func takeFault(for path: String) -> Fault? {
        guard let index = faults.firstIndex(where: { path.hasPrefix($0.path ?? "/") && $0.count > 0 }) else { return nil }
        faults[index].count -= 1
        let fault = faults[index]
        if faults[index].count == 0 { faults.remove(at: index) }
        return fault
    }

    /// Counts a request against the key's window; the time the window resets when over the limit.
    func admit(key: String, now: Date = Date()) -> Date? {
        guard let limit = configuration.requestsPerMinute else { return nil }
        var window = windows[key] ?? (now, 0)
        let length = configuration.rateWindowSeconds
        if now.timeIntervalSince(window.start) >= length { window = (now, 0) }
        window.count += 1
        windows[key] = window
        return window.count > limit ? window.start.addingTimeInterval(length) : nil
    }

    /// Requests the key has left in its window, for rate-limit headers.
    func remaining(key: String) -> Int? {
        guard let limit = configuration.requestsPerMinute else { return nil }
        return max(0, limit - (windows[key]?.count ?? 0))
    }

    /// Pays for `seconds` of output; false when the credits do not cover it.
    func charge(seconds: Int) -> Bool {
        guard let left = creditSecondsLeft else { return true }
        guard left >= seconds else { return false }
        creditSecondsLeft = left - seconds
        return true
    }

    func add(_ job: SimulatedJob) {
        jobs[job.id] = job
        store?.save(job)
        render(job)
    }

    /// Makes a job's output: a continuation of its clip when the clip was uploaded here, else the
    /// generated pattern (one per size and length, linked under each job's name).
    private func render(_ job: SimulatedJob) {
        guard job.failure == nil else { return }
        let directory = configuration.outputDirectory
        let output = directory + "/\(job.id).mp4"
        Task {
            // Rendering (x264) and grabbing a frame take seconds of CPU: on threads of their own,
            // never on the cooperative pool that answers the simulator's requests (and, in the
            // tests' process, runs every test).
            var made = false
            if let clip = job.sourceClip, configuration.look == .continuation {
                made = await RenderQueue.shared.run {
                    (try? SimulatedShot.write(continuing: clip, to: output, width: job.width, height: job.height,
                                              seconds: job.seconds, audio: job.audio)) != nil
                }
            }
            if !made {
                let pattern = self.patternClip(width: job.width, height: job.height, seconds: job.seconds, audio: job.audio)
                guard let rendered = try? await pattern.value else { return }
                try? FileManager.default.removeItem(atPath: output)
                try? FileManager.default.linkItem(atPath: rendered, toPath: output)
            }
            // What the decoy result shape points at: a page that is not a video. (The thumbnail
            // other shapes name is made when first asked for: most jobs are never asked.)
            _ = FileManager.default.createFile(atPath: directory + "/\(job.id)-preview.mp4",
                                               contents: Data("<html><body>Preview unavailable</body></html>".utf8))
            self.markReady(job.id)
        }
    }

    /// Makes a finished job's thumbnail (`ID.thumb.png`, its first frame) if it is not there yet.
    func makeThumbnail(named file: String) async {
        guard file.hasSuffix(Self.thumbnailSuffix) else { return }
        let id = String(file.dropLast(Self.thumbnailSuffix.count))
        let directory = configuration.outputDirectory
        guard job(id)?.outputReady == true, !FileManager.default.fileExists(atPath: directory + "/" + file) else { return }
        await RenderQueue.shared.run {
            _ = try? FrameGrab.write(from: directory + "/\(id).mp4", at: .first, to: directory + "/" + file, replacing: true)
        }
    }

    static let thumbnailSuffix = ".thumb.png"

    /// The generated pattern for a size and length, rendered once.
    private func patternClip(width: Int, height: Int, seconds: Int, audio: Bool) -> Task<String, any Error> {
        let key = "\(width)x\(height)-\(seconds)s\(audio ? "-audio" : "")"
        if let rendered = renderedClips[key] { return rendered }
        let path = configuration.outputDirectory + "/.render-\(key).mp4"
        let render = Task {
            if FileManager.default.fileExists(atPath: path) { return path }
            let temporary = AtomicFile.temporaryPath(besides: path)
            let result: Result<Void, FFmpegError> = await RenderQueue.shared.run {
                do throws(FFmpegError) {
                    try SyntheticClip.write(to: temporary, width: width, height: height, seconds: seconds, audio: audio)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
            return path
        }
        renderedClips[key] = render
        return render
    }

    private func markReady(_ id: String) {
        jobs[id]?.outputReady = true
        if let job = jobs[id] { store?.save(job) }
    }

    /// A job by id: held here, or kept on disk by this or another simulator sharing the folder. A
    /// kept job whose output is missing (never finished, or removed) is made again.
    func job(_ id: String) -> SimulatedJob? {
        if let job = jobs[id] { return job }
        guard var job = store?.load(id) else { return nil }
        if !FileManager.default.fileExists(atPath: configuration.outputDirectory + "/\(id).mp4") { job.outputReady = false }
        jobs[id] = job
        if !job.outputReady { render(job) }
        return job
    }
}
