import Foundation
import HTTP
import Journal
import KlingRules
import Pipeline
import Segmind
import Simulator
import Synchronization
import TestSupport
import Uploader

/// An in-process simulator per test on a free port, a private folder with copies of the fixtures
/// (outputs land beside the clip), its own journal and upload cache, and a client that polls and
/// retries quickly: tests must not wait out real intervals.
struct PipelineHarness {
    static let key = "SG_0123456789abcdef"

    let simulator: RunningSimulator
    let control: SimulatorControl
    let folder: URL
    let session: Session
    let events = EventLog()

    var client: SegmindClient { session.client }
    var journal: JobJournal { session.journal }
    var continuations: ContinuationStore { session.continuations }
    var uploads: SharedUploads { session.uploads }

    static func with<T>(_ adjust: (inout SimulatorConfiguration) -> Void = { _ in },
                        _ body: (PipelineHarness) async throws -> T) async throws -> T {
        try await InProcessSimulator.with(key: key, queueSeconds: 0.1, latency: 0.4, adjust) { simulator, folder in
            let api = SegmindConfiguration(apiKey: APIKey(key), apiBase: simulator.baseURL, uploadURL: simulator.baseURL + "/upload-asset")
            var client = SegmindClient(configuration: api, retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.05, maxDelay: 0.4),
                                       budget: RequestBudget(requestsPerWindow: 100_000, learns: false))
            // Tests pace their own jobs: the first poll does not wait for the time earlier jobs of
            // the test took (on a busy run, their renders queue behind every other test's).
            client.polling = PollingPolicy(firstInterval: 0.1, growth: 1.2, longestInterval: 0.3, waitsForTypicalTime: false)
            let storage = SegmindStorage(configuration: api, retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2))
            let uploads = SharedUploads(uploader: FileUploader(backend: storage,
                                                               cache: UploadCache(path: folder.appendingPathComponent("uploads.json").path)))
            // Its jobs finish in moments: a stitch made ahead would only add work to a busy test
            // run. The tests of it use sessions of their own (`withStitchesAhead`).
            let session = try Session(client: client, journal: try JobJournal(directory: folder.appendingPathComponent("journal").path),
                                      uploads: uploads, makesStitchesAhead: false)
            return try await body(PipelineHarness(simulator: simulator, control: SimulatorControl(baseURL: simulator.baseURL),
                                                  folder: folder, session: session))
        }
    }

    /// This harness's session, making its stitches ahead.
    func withStitchesAhead(client: SegmindClient? = nil, shotShapes: ShotShapes? = nil) throws -> Session {
        try Session(client: client ?? session.client, journal: journal, uploads: uploads, shotShapes: shotShapes)
    }

    /// A runner whose events are kept (see `events`); `also` hears them too, as they come.
    func runner(also: @escaping @Sendable (PipelineEvent) -> Void = { _ in }) -> ContinuationRunner {
        let events = events
        return session.runner { event in
            events.append(event)
            also(event)
        }
    }

    /// A fixture copied into the test's folder, so that outputs land there.
    func copy(_ fixture: String) throws -> String {
        let path = folder.appendingPathComponent(fixture).path
        if !FileManager.default.fileExists(atPath: path) { try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: path) }
        return path
    }

    func request(_ fixture: String = "landscape.mp4", refs: [String] = ["ref_ok.png"],
                 prompt: String = "Based on @Video1, generate the next shot. The man from @Image1 drives fast",
                 shots: Int = 1, output: String? = nil) throws -> ContinuationRequest {
        let source = try copy(fixture)
        return ContinuationRequest(source: source, references: try refs.map(copy), prompt: prompt, shots: shots, output: output)
    }

    /// Submissions the simulator received (each one is a paid job at Segmind).
    func submissions() async throws -> Int {
        try await control.count("POST", "/v2/kling-o1-video-to-video-reference")
    }
}

/// The events a test's runners reported, in order.
final class EventLog: Sendable {
    private let events = Mutex<[PipelineEvent]>([])

    func append(_ event: PipelineEvent) { events.withLock { $0.append(event) } }

    var all: [PipelineEvent] { events.withLock { $0 } }

    /// The shots submitted: each with its request id and the aspect ratio asked.
    var submitted: [(shot: ShotNumber, requestID: RequestID?, aspect: AspectRatioOption)] {
        all.compactMap { if case .submitted(let shot, let id, let aspect, _) = $0 { (shot, id, aspect) } else { nil } }
    }

    /// The shots that waited for Segmind's answer after a Ctrl-C.
    var awaitedAnswers: [ShotNumber] {
        all.compactMap { if case .awaitingSubmissionAnswer(let shot) = $0 { shot } else { nil } }
    }
}
