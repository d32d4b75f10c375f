import ArgumentParser
import Uploader

/// The exit statuses every command shares, as documented in `--help` and the README.
enum ExitStatus: Int32 {
    /// Done; for `validate`, the input is valid (warnings allowed).
    case success = 0
    /// The input is readable but the model would reject it (validate; a 400 from Segmind).
    case invalid = 1
    /// Arguments that cannot be used, input that cannot be read, no API key, a broken config.
    case unusable = 2
    /// The job ran and FAILED (a content block among others).
    case jobFailed = 3
    /// Segmind refused the key or the account: 401, 403, 406 (credits).
    case refused = 4
    /// Not finished, for now: the network, Segmind's errors or rate limit outlasted the retries,
    /// the deadline came, or a submission's answer was lost. The journal keeps the job.
    case unavailable = 5
    /// Segmind does not know the request id (unknown, or its record expired).
    case notFound = 6
    /// Ctrl-C. The job goes on at Segmind; `kling-media wait ID` resumes.
    case interrupted = 130

    var code: ExitCode { ExitCode(rawValue) }

    static let summary = """
        Exit status: 0 done (for validate: valid, warnings allowed); 1 invalid input (validate, or \
        Segmind's 400); 2 unusable arguments or unreadable input, or no API key; 3 the job FAILED; \
        4 Segmind refused the key or credits (401, 403, 406); 5 not finished for now (network, \
        rate limit, server errors, deadline, or a submission whose answer was lost): the journal \
        keeps the job; 6 unknown or expired request id; 130 interrupted (resume with `wait`).
        """

    init(_ error: APIError) {
        switch error {
        case .badRequest: self = .invalid
        case .invalidRequestID: self = .unusable
        case .unauthorized, .forbidden, .insufficientCredits, .invalidContentType, .modelRetired: self = .refused
        case .jobFailed: self = .jobFailed
        case .notFound: self = .notFound
        case .cancelled: self = .interrupted
        case .rateLimited, .rateLimitedUntil, .server, .transport, .submissionOutcomeUnknown, .unexpectedResponse, .noOutput, .stillRunning:
            self = .unavailable
        }
    }
}
