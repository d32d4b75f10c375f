/// How the simulator behaves: timings, the key it accepts, and the failures it stages.
public struct SimulatorConfiguration: Sendable {
    /// The `x-api-key` it accepts; any other gets 401.
    public var apiKey: String
    /// Port on 127.0.0.1; 0 picks a free one.
    public var port: Int
    /// Seconds a job stays QUEUED, then PROCESSING until `latency` (from submission) has passed.
    public var queueSeconds: Double
    public var latency: Double
    /// Fraction (0…1) of jobs that end FAILED with a content-policy block. A prompt containing
    /// `[blocked]` always does.
    public var failRate: Double
    /// Seconds after submission that a request record lives (Segmind: one hour); then 404.
    /// Output files stay downloadable.
    public var recordLifetime: Double
    /// Requests per window per key, as Segmind's plans (5 a minute free, 50 Pro); nil for no limit.
    public var requestsPerMinute: Int?
    /// The rate limit's fixed window: a minute at Segmind; shorter in tests.
    public var rateWindowSeconds: Double
    /// Seconds of generated video the key can still pay for; nil for unlimited. Past it: 406.
    public var creditSeconds: Int?
    /// Fraction (0…1) of API requests answered 502 at random, as a flaky gateway.
    public var flakyRate: Double
    /// Host name put in output URLs. Differs from the API's (127.0.0.1) by default, so a client
    /// that leaks its key to result hosts is caught.
    public var outputHost: String
    /// Where generated outputs (and uploads) are kept.
    public var outputDirectory: String
    /// Where jobs are kept so that a simulator started again still answers for them; nil keeps
    /// them in memory only.
    public var stateDirectory: String?
    /// How a finished job's answer shapes its result: Segmind says only that `output` is there.
    public var resultShape: ResultShape = .url
    /// What the file server does with a Range request (HTTP lets a server ignore one).
    public var rangeSupport: RangeSupport = .honoured
    /// Seconds an output link works, as a CDN's signed link (`?expires=…`): past it the file
    /// server answers 403, as S3 and CloudFront do, and only a fresh answer from the API gives a
    /// link that works. nil: links never expire.
    public var outputLinkSeconds: Double?
    /// Which spelling of `duration` and `elements` submissions may use.
    public var acceptedEncoding: AcceptedEncoding = .any
    /// What a generated shot shows.
    public var look: Look = .continuation
    /// What the result endpoint answers for a job still running.
    public var resultWhileRunning: ResultWhileRunning = .status
    /// Whether API answers carry `x-ratelimit-limit` and `x-ratelimit-remaining` (Segmind
    /// documents none; gateways often add them).
    public var statesRateLimit = false

    /// Every duration (queue, processing, the rate window) times `scale`: a 224 s model and a
    /// minute's rate window at 0.05 take 11.2 s and 3 s, so a long batch runs in a test.
    public mutating func scaleTime(by scale: Double) {
        queueSeconds *= scale
        latency *= scale
        rateWindowSeconds *= scale
    }

    /// Segmind documents the result endpoint for finished jobs only; a running job may get its
    /// status (as every v2 answer carries one) or a refusal.
    public enum ResultWhileRunning: String, Sendable, CaseIterable {
        /// 200 with the job's status, as the status endpoint answers.
        case status
        /// 404, as for an unknown request.
        case notFound = "not-found"
    }

    public enum Look: String, Sendable, CaseIterable {
        /// The uploaded clip's last frame, moving on (each job rendered on its own); the pattern
        /// for a clip given by an outside URL.
        case continuation
        /// Always the pattern, one render per size and length shared by every job: cheap, for
        /// tests and benchmarks that make many jobs.
        case pattern
    }

    /// The shapes of a result that integrators meet in the field.
    public enum ResultShape: String, Sendable, CaseIterable {
        /// `"output": "https://…/ID.mp4"`
        case url
        /// `"output": ["https://…/ID.mp4"]`
        case list
        /// `"output": {"thumbnail": "https://…/ID.thumb.png", "video": "https://…/ID.mp4"}`
        case object
        /// The object above, as a JSON-encoded string.
        case jsonText = "json-text"
        /// Top-level `"video": …`, `output` null.
        case video
        /// Top-level `"video_url": …`, `output` empty.
        case videoURL = "video-url"
        /// `"outputs": [...]`
        case outputs
        /// `"output": {"video": <an HTML page at …-preview.mp4>, "video_hd": <the video>}`: the
        /// best-named candidate is not a video.
        case decoy
        /// `"output": {"thumbnail": <PNG>}`: no video at all.
        case thumbnailOnly = "thumbnail-only"
    }

    public enum RangeSupport: String, Sendable, CaseIterable {
        /// 206 from the byte asked; 416 past the end.
        case honoured = "honour"
        /// Always 200 and the whole file.
        case ignored = "ignore"
        /// 206, but from 1000 bytes before the byte asked.
        case misaligned
    }

    public enum AcceptedEncoding: String, Sendable, CaseIterable {
        case any
        /// As Segmind's example: `"duration": "5"`, `elements` a JSON-encoded string.
        case documented
        /// As its parameter table: `duration` an integer, `elements` an array.
        case native
    }

    public init(apiKey: String, port: Int = 0, queueSeconds: Double = 1, latency: Double = 3, failRate: Double = 0,
                recordLifetime: Double = 3600, requestsPerMinute: Int? = nil, rateWindowSeconds: Double = 60,
                creditSeconds: Int? = nil,
                flakyRate: Double = 0, outputHost: String = "localhost", outputDirectory: String) {
        self.apiKey = apiKey
        self.port = port
        self.queueSeconds = queueSeconds
        self.latency = latency
        self.failRate = failRate
        self.recordLifetime = recordLifetime
        self.requestsPerMinute = requestsPerMinute
        self.rateWindowSeconds = rateWindowSeconds
        self.creditSeconds = creditSeconds
        self.flakyRate = flakyRate
        self.outputHost = outputHost
        self.outputDirectory = outputDirectory
    }
}
