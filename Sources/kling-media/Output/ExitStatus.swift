import ArgumentParser
import HTTP
import Pipeline
import Segmind

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
    /// Segmind refused the key, the account or the model: 401, 403, 406 (credits, spending limit), 410.
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
        4 Segmind refused the key, the account or the model (401, 403, 406, 410); 5 not finished \
        for now (network, rate limit, server errors, deadline, or a submission whose outcome is \
        unknown): the journal keeps the job; 6 unknown or expired request id; 130 interrupted \
        (resume with `wait`).
        """

    init(_ error: APIError) {
        switch error {
        case .badRequest: self = .invalid
        case .unauthorized, .forbidden, .insufficientCredits, .invalidContentType, .modelRetired: self = .refused
        case .jobFailed: self = .jobFailed
        case .notFound: self = .notFound
        case .cancelled: self = .interrupted
        case .rateLimited, .rateLimitedUntil, .server, .transport, .submissionOutcomeUnknown, .unexpectedResponse, .noOutput, .stillRunning:
            self = .unavailable
        }
    }
}

// MARK: Every failure's status, in one place

extension ExitStatus {
    init(_ error: PipelineError) {
        switch error {
        case .journal(.busy): self = .unavailable
        case .unreadable, .unreadableFile, .clipIsAURL, .options, .outputExists, .noRoom, .journal, .doneButFilesMissing: self = .unusable
        case .invalid: self = .invalid
        case .edit(let failure): self = failure == .cancelled ? .interrupted : .unusable
        case .shotDetection(let failure): self = failure == .cancelled ? .interrupted : .unusable
        case .upload(let failure):
            switch failure {
            case .unreadable: self = .unusable
            case .refused(let status, _) where status == 401 || status == 403: self = .refused
            default: self = .unavailable
            }
        case .api(let failure, _, _): self = ExitStatus(failure)
        case .download(.tooLarge, _, _): self = .unusable
        case .download, .noVideo, .outcomeUnknown: self = .unavailable
        case .earlierFailure(_, _, let failed, _): self = failed ? .jobFailed : .notFound
        case .cancelled: self = .interrupted
        }
    }
}

extension ExitStatus {
    init(_ error: DownloadError) {
        switch error {
        case .cancelled: self = .interrupted
        case .unwritable, .tooLarge: self = .unusable
        case .status, .incomplete, .transport: self = .unavailable
        }
    }
}

extension ExitStatus {
    /// A word for the status, for tables and JSON.
    var name: String {
        switch self {
        case .success: "done"
        case .invalid: "invalid"
        case .unusable: "unusable"
        case .jobFailed: "failed"
        case .refused: "refused"
        case .unavailable: "unfinished"
        case .notFound: "expired"
        case .interrupted: "interrupted"
        }
    }
}

