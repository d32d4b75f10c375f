/// Why an exchange produced no HTTP response. Statuses are not errors here: the callers that know
/// what a 429 or a 422 means for them map those (`APIError`).
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case couldNotResolve(host: String)
    case couldNotConnect(host: String, detail: String)
    case tls(host: String, detail: String)
    /// `requestSent`: whether any of the request reached the connection before it failed. When it
    /// did, the server may have acted on it.
    case timedOut(host: String, requestSent: Bool)
    case connectionLost(host: String, requestSent: Bool, detail: String)
    case responseTooLarge(host: String, limit: Int)
    /// A download grew past its byte cap; what was received is not kept.
    case downloadTooLarge(host: String, limit: Int64)
    /// Asked to resume from a byte, the server sent a part starting elsewhere: the partial file
    /// cannot be trusted, and the download starts again from byte 0.
    case rangeMismatch(host: String)
    /// Cancelled after some of the request may have reached the server, and its answer was not
    /// waited for (no patience was given; or a second Ctrl-C, or no answer within it): whatever
    /// the request asked for may have happened.
    case interruptedAfterSending(host: String)
    case fileUnreadable(path: String, detail: String)
    case fileUnwritable(path: String, detail: String)
    /// The task was cancelled before any of the request left: nothing reached the server.
    case cancelled
    case other(host: String, code: Int, detail: String, requestSent: Bool)

    /// True when the server certainly never saw the request: safe to send again even when sending
    /// twice would cost money.
    public var requestCertainlyNotSent: Bool {
        switch self {
        case .invalidURL, .couldNotResolve, .couldNotConnect, .tls, .fileUnreadable, .cancelled:
            return true
        case .timedOut(_, let sent), .connectionLost(_, let sent, _), .other(_, _, _, let sent):
            return !sent
        case .responseTooLarge, .downloadTooLarge, .rangeMismatch, .fileUnwritable, .interruptedAfterSending:
            return false
        }
    }

    /// The task was cancelled: before anything left (`.cancelled`), or after (`.interruptedAfterSending`).
    public var isCancellation: Bool {
        switch self {
        case .cancelled, .interruptedAfterSending: return true
        default: return false
        }
    }

    /// Worth trying again later: the network or the server may recover.
    public var isTransient: Bool {
        switch self {
        case .couldNotResolve, .couldNotConnect, .timedOut, .connectionLost, .other:
            return true
        case .invalidURL, .tls, .responseTooLarge, .downloadTooLarge, .rangeMismatch, .fileUnreadable, .fileUnwritable,
             .cancelled, .interruptedAfterSending:
            return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): return "not a usable URL: \(url)"
        case .couldNotResolve(let host): return "cannot resolve \(host): check the host name and the network"
        case .couldNotConnect(let host, let detail): return "cannot connect to \(host) (\(detail))"
        case .tls(let host, let detail): return "TLS with \(host) failed (\(detail)); certificates are always verified"
        case .timedOut(let host, _): return "\(host) did not answer in time"
        case .connectionLost(let host, _, let detail): return "the connection to \(host) broke (\(detail))"
        case .responseTooLarge(let host, let limit): return "\(host) sent more than \(limit) bytes where a short answer was expected"
        case .downloadTooLarge(let host, let limit):
            return "\(host) sent more than \(limit) bytes, the download's cap (--max-bytes); nothing was kept"
        case .rangeMismatch(let host): return "\(host) answered a resumed download with the wrong part of the file"
        case .interruptedAfterSending(let host): return "stopped waiting for \(host)'s answer after the request was sent"
        case .fileUnreadable(let path, let detail): return "\(path): cannot read it to send (\(detail))"
        case .fileUnwritable(let path, let detail): return "\(path): cannot write the download (\(detail))"
        case .cancelled: return "cancelled"
        case .other(let host, let code, let detail, _): return "request to \(host) failed (libcurl \(code): \(detail))"
        }
    }
}
