import Segmind

/// What the journal keeps of one job: enough to find it again, resume it, download its output
/// and stitch it, after a crash, a Ctrl-C or a reboot. Never the API key; URLs without signatures.
public struct JobRecord: JournalRecord, Equatable {
    /// Where the job stands, as far as this machine knows.
    public enum State: String, Codable, Sendable {
        /// Written before the POST: if nothing else follows, the process died while submitting.
        case submitting
        /// Sent, but the answer was lost: the job may exist (and be billed) or not.
        case outcomeUnknown = "outcome_unknown"
        /// Segmind refused the submission with a 4xx (400, 401, 406…): no job exists.
        case rejected
        /// The submission never reached a job: cancelled before any of it left, no connection, or
        /// the gateway said the service could not take it (502, 503). No job exists.
        case notSubmitted = "not_submitted"
        case queued, processing, completed, failed
        /// The record expired at Segmind before its output was known.
        case expired
        /// The output is on disk.
        case downloaded
    }

    /// Ours, assigned before submitting, so even a submission whose answer was lost has a record.
    public var localID: String
    public var requestID: RequestID?
    public var model: String
    public var apiBase: String
    /// SHA-256 of the parameters as sent (signed URLs included), to recognise a resubmission.
    public var parametersSHA256: String
    /// The parameters, URL signatures removed.
    public var parameters: KlingRequest
    /// Local files behind the URLs, when the job came from local files.
    public var localInputs: [String]
    /// Where `wait` puts the output, when the submitter chose.
    public var outputPath: String?
    /// When Segmind took the job (its submission's answer came); until then, when the record was made.
    public var submittedAt: Date
    public var updatedAt: Date
    public var state: State
    /// The result's best candidate URL, once known (the one downloaded, when one was).
    public var outputURL: String?
    /// Every candidate URL of the result, best first, so another can be tried when one is not a
    /// video. Nil in records written before candidates were kept.
    public var outputURLs: [String]?
    /// Where the submission's answer said to poll and fetch (used only on the API's host).
    public var statusURL: String?
    public var responseURL: String?
    public var error: String?
    /// The continuation (`kling-media continue`) this job is a shot of: `wait` finishes it too.
    public var continuation: ContinuationLink?
    /// When the poll that first found the job COMPLETED was due (it may then have waited for the
    /// request budget; records written before 2026-11-26 have when its answer came): how long such
    /// jobs take here, for when to poll the next one.
    public var completedAt: Date?
    /// When a poll last found the job still QUEUED or PROCESSING, if one did before the poll that
    /// found it COMPLETED: it was done somewhere after this. (Nil in records written before.)
    public var runningUntil: Date?
    /// How long the job took, as its polls tell, to the millisecond (`completedAt` and `runningUntil`
    /// are kept to the second, and a simulator run at a time scale of 0.05 makes a second 20 of
    /// Kling's: a batch's first jobs then taught later processes first polls 20 s off). Nil in
    /// records written before 2026-11-27, and for jobs not watched from their submission.
    public var processingSeconds: Double?

    /// The current time to the second, as the journal stores it (ISO 8601), so a record reads back equal.
    public static func now() -> Date { JournalClock.now() }

    /// The index of request ids, for `find`.
    static let requestIDIndex = "request-id"

    public var lookupKeys: [(index: String, key: String)] {
        requestID.map { [(Self.requestIDIndex, $0.rawValue)] } ?? []
    }

    /// Segmind keeps request records an hour after submission.
    public static let recordLifetime: TimeInterval = 3600
    public var recordExpiresAt: Date { submittedAt.addingTimeInterval(Self.recordLifetime) }

    /// The result's candidate URLs as kept: all of them, or the one an older record has.
    public var resultURLs: [String] { outputURLs ?? outputURL.map { [$0] } ?? [] }

    /// Where to ask Segmind about this job, once it has a request id.
    public var location: JobLocation? {
        requestID.map { JobLocation(requestID: $0, statusURL: statusURL, responseURL: responseURL) }
    }

    enum CodingKeys: String, CodingKey {
        case localID = "local_id"
        case requestID = "request_id"
        case model
        case apiBase = "api_base"
        case parametersSHA256 = "parameters_sha256"
        case parameters
        case localInputs = "local_inputs"
        case outputPath = "output_path"
        case submittedAt = "submitted_at"
        case updatedAt = "updated_at"
        case state
        case outputURL = "output_url"
        case outputURLs = "output_urls"
        case statusURL = "status_url"
        case responseURL = "response_url"
        case error
        case continuation
        case completedAt = "completed_at"
        case runningUntil = "running_until"
        case processingSeconds = "processing_seconds"
    }

    public init(localID: String = UUID().uuidString.lowercased(), parameters: KlingRequest, apiBase: String,
                localInputs: [String] = [], outputPath: String? = nil, now: Date = JobRecord.now()) {
        self.localID = localID
        self.model = KlingRequest.model
        self.apiBase = apiBase
        self.parametersSHA256 = ParameterHash.sha256(of: parameters)
        self.parameters = parameters.redacted
        self.localInputs = localInputs
        self.outputPath = outputPath
        self.submittedAt = now
        self.updatedAt = now
        self.state = .submitting
    }
}

/// Which continuation a job belongs to, and which of its shots it makes (from 1).
public struct ContinuationLink: Codable, Sendable, Equatable {
    public var localID: String
    public var shot: Int

    public init(localID: String, shot: Int) {
        self.localID = localID
        self.shot = shot
    }

    enum CodingKeys: String, CodingKey {
        case localID = "local_id"
        case shot
    }
}
