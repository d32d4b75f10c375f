import HTTP
import Journal
import KlingRules
import MediaKit
import Segmind
import Support
import Uploader

/// Why a continuation stopped. Each case carries what a user needs to act on it; the CLI maps
/// them to its exit statuses. The journal keeps the continuation in every case but `.unreadable`,
/// `.invalid` and `.clipIsAURL`, which stop it before anything is written or sent.
public enum PipelineError: Error, CustomStringConvertible {
    /// Inputs that cannot be read as media (each one named).
    case unreadable([ProbeError])
    /// A file that cannot be read at all (to know the request again by its content).
    case unreadableFile(String)
    /// The model would reject the inputs: nothing was uploaded or paid for.
    case invalid(Verdict, clip: MediaInfo, hint: String?)
    /// `continue` checks and stitches the clip, so it must be on disk.
    case clipIsAURL(String)
    case options(String)
    /// The stitched result asked for is already on disk (refused before anything was sent).
    case outputExists(String)
    /// The result's folder has less free space than the shots and the stitched result will take
    /// (`RoomCheck`), or than is left of it beside what other continuations running hold; refused
    /// before the shot was paid for.
    case noRoom(RoomShortfall)
    case edit(EditError)
    /// The clip's shots could not be found (for `--tail shot`).
    case shotDetection(ShotDetectionError)
    case upload(UploadError)
    /// Segmind's answer for shot `shot` (of the job `requestID`, once it has one).
    case api(APIError, shot: Int, requestID: RequestID?)
    /// The shot's file could not be saved; `resume` says how to fetch it again (paid for once).
    case download(DownloadError, shot: Int, resume: ResumeAdvice)
    /// No URL of the result gave a complete video. The record (and so the chance to fetch the
    /// result again) lasts until `recordExpiresAt`.
    case noVideo(tried: [OutputDownload.SkippedURL], shot: Int, job: String, recordExpiresAt: Date)
    case journal(JournalError)
    /// A submission of this shot (now, or earlier) never got a usable answer: the job may exist,
    /// and be billed. `detail` says what happened, when known.
    case outcomeUnknown(shot: Int, localID: String, detail: String?)
    /// An earlier job for this shot FAILED (`failed`), or expired before its output was known.
    case earlierFailure(shot: Int, requestID: RequestID?, failed: Bool, detail: String?)
    /// Done before; its files are gone, and making them again means paying again.
    case doneButFilesMissing([String])
    /// Ctrl-C. `resume` says what to run to go on.
    case cancelled(resume: ResumeAdvice)

    public var description: String {
        switch self {
        case .unreadable(let errors): return errors.map(\.description).joined(separator: "\n")
        case .unreadableFile(let description): return description
        case .invalid(let verdict, let clip, let hint):
            return "\(clip.format.filename): the model would reject this request (\(Formatting.count(verdict.errors.count, "error"))); nothing was uploaded"
                + (hint.map { "; \($0)" } ?? "")
        case .clipIsAURL(let url):
            return "\(Redaction.url(url)): continue needs the clip on disk, to check it and stitch after it; "
                + "fetch it with `kling-media download`, or send it as it is with `kling-media submit --video-url`"
        case .options(let text): return text
        case .outputExists(let path):
            return "\(path): already exists; nothing was sent. Choose another -o, or add --overwrite to replace it"
        case .noRoom(let shortfall): return shortfall.description
        case .edit(let error): return error.description
        case .shotDetection(let error): return "cannot find the clip's last shot: \(error)"
        case .upload(let error): return error.description
        case .api(let error, let shot, _): return "shot \(shot): \(error)"
        case .download(let error, let shot, let resume): return "shot \(shot): \(error); \(resume.text(simulated: false))"
        case .noVideo(let tried, let shot, let job, let expiry):
            return "shot \(shot): no result URL of job \(job) gave a complete video; nothing was saved. Tried: "
                + tried.map { "\($0.url) (\($0.reason))" }.joined(separator: "; ")
                + (expiry > Date()
                    ? ". Its URLs are in the journal; Segmind keeps the record until \(expiry.formatted(Date.ISO8601FormatStyle())), "
                        + "and `kling-media wait \(job)` tries them again"
                    : ". Segmind's record of it ended at \(expiry.formatted(Date.ISO8601FormatStyle())), so no fresh links can be had: "
                        + "the job was paid for; ask Segmind's support for the output of request \(job)")
        case .journal(let error): return error.description
        case .outcomeUnknown(let shot, let localID, let detail):
            return "shot \(shot): a submission (journal entry \(localID)) never got a usable answer"
                + (detail.map { " (\($0))" } ?? "")
                + ", so the job may exist and be billed; check the Segmind dashboard, then run again with --resubmit to submit it anyway"
        case .earlierFailure(let shot, let requestID, let failed, let detail):
            let state = failed ? "FAILED" : "expired before its output was fetched"
            return "shot \(shot): the earlier job \(requestID?.rawValue ?? "") \(state)\(detail.map { ": \($0)" } ?? ""); "
                + "run again with --retry-failed to submit it again"
        case .doneButFilesMissing(let paths):
            return "this continuation was done, but \(paths.joined(separator: ", ")) no longer exist; "
                + "run again with --again for a new take (it is paid for again)"
        case .cancelled(let resume): return "interrupted; \(resume.text(simulated: false))"
        }
    }
}
