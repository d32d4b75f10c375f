import Segmind
import Journal

/// A job as `status --json` and `jobs --json` print it.
struct JobSummary: Encodable {
    let requestID: RequestID?
    let localID: String
    let status: String
    let state: String
    let submittedAt: Date
    let recordExpiresAt: Date
    let outputURL: String?
    /// Every candidate URL of the result, best first.
    let outputURLs: [String]
    let outputPath: String?
    let error: String?
    /// The continuation it is a shot of, if `continue` made it.
    let continuation: ContinuationLink?

    init(_ record: JobRecord, status: String? = nil) {
        requestID = record.requestID
        localID = record.localID
        self.status = status ?? record.state.rawValue
        state = record.state.rawValue
        submittedAt = record.submittedAt
        recordExpiresAt = record.recordExpiresAt
        outputURL = record.outputURL
        outputURLs = record.resultURLs
        outputPath = record.outputPath
        error = record.error
        continuation = record.continuation
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case localID = "local_id"
        case status, state, error, continuation
        case submittedAt = "submitted_at"
        case recordExpiresAt = "record_expires_at"
        case outputURL = "output_url"
        case outputURLs = "output_urls"
        case outputPath = "output_path"
    }
}

/// A journal entry without a request id: its submission never got an answer.
struct JobNotSubmitted: Error, CustomStringConvertible {
    let record: JobRecord
    var description: String {
        "journal entry \(record.localID) has no request id (state \(record.state.rawValue)): "
            + "its submission \(record.state == .outcomeUnknown ? "may or may not have been taken; check your Segmind dashboard" : "did not go through")"
    }
}
