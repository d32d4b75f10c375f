import HTTP
import Support

/// Why a Segmind call did not give what was asked, with what the user should do about it.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRequest(detail: String)
    case unauthorized(detail: String)
    case forbidden(detail: String)
    /// 404: the id is unknown, or its record expired (records live an hour).
    case notFound(requestID: RequestID?, detail: String)
    /// 406: Segmind would not run it for the account: out of credits, or past a spending limit.
    case insufficientCredits(detail: String)
    /// 410: the model is retired.
    case modelRetired(detail: String)
    case invalidContentType(detail: String)
    /// 422: the job ran and FAILED (content blocks included).
    case jobFailed(requestID: RequestID, detail: String)
    /// 429 that outlasted the retries.
    case rateLimited(detail: String)
    /// 429 whose stated reset is further off than this command may wait.
    case rateLimitedUntil(reset: Date, detail: String)
    /// 5xx that outlasted the retries.
    case server(status: Int, detail: String)
    case transport(HTTPError)
    /// The submission may or may not have been taken (and billed): it was sent, then the answer was lost.
    case submissionOutcomeUnknown(detail: String)
    case unexpectedResponse(status: Int, detail: String)
    /// COMPLETED without any URL in the output.
    case noOutput(requestID: RequestID, body: String)
    /// Still QUEUED or PROCESSING when the wait's deadline came.
    case stillRunning(requestID: RequestID?, status: String)
    case cancelled

    public var description: String {
        switch self {
        case .badRequest(let detail):
            return "Segmind refused the parameters (400): \(detail); run `kling-media validate` on the inputs"
        case .unauthorized(let detail):
            return "Segmind refused the API key (401: \(detail)); check SEGMIND_API_KEY"
        case .forbidden(let detail):
            return "the API key may not use this model (403: \(detail)); check the key's permissions on Segmind"
        case .notFound(let id, let detail):
            let subject = id.map { "request \($0)" } ?? "the request"
            return "\(subject) is unknown or expired (404: \(detail)); Segmind keeps request records for one hour"
        case .insufficientCredits(let detail):
            return "Segmind would not run the job for this account (406: \"\(detail)\"); the account may be out of credits "
                + "or past its spending limit: check both on Segmind's billing page, then submit again"
        case .modelRetired(let detail):
            return "Segmind no longer serves \(KlingRequest.model) (410: \(detail)); the model was retired: "
                + "check Segmind's model list for its successor"
        case .invalidContentType(let detail):
            return "Segmind refused the request's content type (406: \(detail)); this is a bug in kling-media: please report it"
        case .jobFailed(let id, let detail):
            return "job \(id) FAILED: \(detail)"
        case .rateLimited(let detail):
            return "rate-limited by Segmind (429: \(detail)); lower SEGMIND_REQUESTS_PER_MINUTE or try later"
        case .rateLimitedUntil(let reset, let detail):
            return "rate-limited by Segmind (429: \(detail)) until \(reset.formatted(Date.ISO8601FormatStyle())), "
                + "longer than this command waits (--timeout, or 15 minutes); run it again after that, "
                + "or lower SEGMIND_REQUESTS_PER_MINUTE"
        case .server(let status, let detail):
            return "Segmind is failing (\(status): \(detail)) after several tries; try again later"
        case .transport(let error):
            return "cannot reach Segmind: \(error)"
        case .submissionOutcomeUnknown(let detail):
            return "the submission was sent but its answer was lost (\(detail)): it may have started a billed job. "
                + "It is not retried, to avoid paying twice; check your Segmind dashboard before submitting again"
        case .unexpectedResponse(let status, let detail):
            return "unexpected answer from Segmind (\(status)): \(detail)"
        case .noOutput(let id, let body):
            return "job \(id) COMPLETED but its result holds no output URL: \(body)"
        case .stillRunning(let id?, let status):
            return "job \(id) is still \(status); resume with `kling-media wait \(id)`"
        case .stillRunning(nil, let status):
            return "the request is still \(status)"
        case .cancelled:
            return "cancelled"
        }
    }

    /// What this error, from a submission, says about whether the job exists. Only a 4xx refusal
    /// is `.refused`; only what certainly never reached a job is `.neverTaken`; all else (a 2xx
    /// without a usable answer, a lost answer, a 500) is `.unknown`: the job may exist and be billed.
    public var submissionFate: SubmissionFate {
        switch self {
        case .badRequest, .unauthorized, .forbidden, .notFound, .insufficientCredits, .invalidContentType, .modelRetired,
             .rateLimited, .rateLimitedUntil:
            return .refused
        case .server(let status, _):
            return status == 502 || status == 503 ? .neverTaken : .unknown
        case .transport(let error):
            return error.requestCertainlyNotSent ? .neverTaken : .unknown
        case .cancelled:
            // The client says cancelled only when nothing of the request had left.
            return .neverTaken
        case .jobFailed, .submissionOutcomeUnknown, .unexpectedResponse, .noOutput, .stillRunning:
            return .unknown
        }
    }

    /// The one place statuses become errors. `body` is the server's answer, of which the
    /// `error`/`detail`/`message` field (or the text itself) is the detail shown.
    static func from(status: Int, body: [UInt8], requestID: RequestID?) -> APIError {
        let detail = ErrorDetail.extract(from: body)
        switch status {
        case 400: return .badRequest(detail: detail)
        case 401: return .unauthorized(detail: detail)
        case 403: return .forbidden(detail: detail)
        case 404: return .notFound(requestID: requestID, detail: detail)
        case 410: return .modelRetired(detail: detail)
        case 406:
            // Segmind uses 406 for two things; the message tells them apart.
            return detail.lowercased().contains("content") && detail.lowercased().contains("type")
                ? .invalidContentType(detail: detail) : .insufficientCredits(detail: detail)
        case 422:
            guard let requestID else { return .unexpectedResponse(status: 422, detail: detail) }
            return .jobFailed(requestID: requestID, detail: detail)
        case 429: return .rateLimited(detail: detail)
        case 500...599: return .server(status: status, detail: detail)
        default: return .unexpectedResponse(status: status, detail: detail)
        }
    }
}

public enum SubmissionFate: Sendable, Equatable {
    /// Segmind answered with a 4xx: no job exists.
    case refused
    /// The request never reached a job: no job exists.
    case neverTaken
    /// The job may exist (and be billed).
    case unknown
}

/// The human part of an error body.
public enum ErrorDetail {
    public static func extract(from body: [UInt8]) -> String {
        if let json = try? JSONValue.decode(body) {
            for key in ["error", "detail", "message"] {
                if let value = json[key]?.string, !value.isEmpty { return Redaction.redact(value) }
            }
        }
        let trimmed = String(decoding: body.prefix(2000), as: UTF8.self).trimmingWhitespace
        return trimmed.isEmpty ? "no detail given" : Redaction.redact(String(trimmed.prefix(300)))
    }
}
