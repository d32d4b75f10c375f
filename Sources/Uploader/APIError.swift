/// Why a Segmind call did not give what was asked, with what the user should do about it.
public enum APIError: Error, Sendable, Equatable, CustomStringConvertible {
    case badRequest(detail: String)
    case unauthorized(detail: String)
    case forbidden(detail: String)
    /// 404: the id is unknown, or its record expired (records live an hour).
    case notFound(requestID: String?, detail: String)
    case insufficientCredits(detail: String)
    case invalidContentType(detail: String)
    /// 422: the job ran and FAILED (content blocks included).
    case jobFailed(requestID: String, detail: String)
    /// 429 that outlasted the deadline.
    case rateLimited(detail: String)
    /// 5xx that outlasted the retries.
    case server(status: Int, detail: String)
    case transport(HTTPError)
    /// The submission may or may not have been taken (and billed): it was sent, then the answer was lost.
    case submissionOutcomeUnknown(detail: String)
    case unexpectedResponse(status: Int, detail: String)
    /// COMPLETED without any URL in the output.
    case noOutput(requestID: String, body: String)
    /// Still QUEUED or PROCESSING when the wait's deadline came.
    case stillRunning(requestID: String, status: String)
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
            return "not enough Segmind credits (406: \(detail)); top up the account, then submit again"
        case .invalidContentType(let detail):
            return "Segmind refused the request's content type (406: \(detail)); this is a bug in kling-media: please report it"
        case .jobFailed(let id, let detail):
            return "job \(id) FAILED: \(detail)"
        case .rateLimited(let detail):
            return "rate-limited by Segmind (429: \(detail)); lower SEGMIND_REQUESTS_PER_MINUTE or try later"
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
        case .stillRunning(let id, let status):
            return "job \(id) is still \(status); resume with `kling-media wait \(id)`"
        case .cancelled:
            return "cancelled"
        }
    }

    /// The one place statuses become errors. `body` is the server's answer, of which the
    /// `error`/`detail`/`message` field (or the text itself) is the detail shown.
    static func from(status: Int, body: [UInt8], requestID: String?) -> APIError {
        let detail = ErrorDetail.extract(from: body)
        switch status {
        case 400: return .badRequest(detail: detail)
        case 401: return .unauthorized(detail: detail)
        case 403: return .forbidden(detail: detail)
        case 404: return .notFound(requestID: requestID, detail: detail)
        case 406:
            // Segmind uses 406 for two things; the message tells them apart.
            return detail.lowercased().contains("content") && detail.lowercased().contains("type")
                ? .invalidContentType(detail: detail) : .insufficientCredits(detail: detail)
        case 422: return .jobFailed(requestID: requestID ?? "?", detail: detail)
        case 429: return .rateLimited(detail: detail)
        case 500...599: return .server(status: status, detail: detail)
        default: return .unexpectedResponse(status: status, detail: detail)
        }
    }
}

/// The human part of an error body.
enum ErrorDetail {
    static func extract(from body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        if let object = try? JSONBody.decodeObject(body) {
            for key in ["error", "detail", "message"] {
                if let value = object[key] as? String, !value.isEmpty { return Redaction.redact(value) }
            }
        }
        let trimmed = text.trimmingWhitespace
        return trimmed.isEmpty ? "no detail given" : Redaction.redact(String(trimmed.prefix(300)))
    }
}
