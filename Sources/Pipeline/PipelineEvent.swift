import HTTP
import KlingRules
import MediaKit
import Segmind

/// Which shot of a continuation something is about: shot 2 of 3.
public struct ShotNumber: Sendable, Equatable, Hashable {
    public let shot: Int
    public let of: Int

    public init(_ shot: Int, of total: Int) {
        self.shot = shot
        self.of = total
    }
}

/// What the pipeline tells the one running it, as it goes, as facts: the CLI renders them as lines
/// and a status line (or JSON lines); a GUI or a log could render them otherwise.
public enum PipelineEvent: Sendable {
    // MARK: The request

    /// The inputs were checked and pass (warnings in the verdict); `preparation` is what will be
    /// done to the clip before it is sent, if anything.
    case checked(clip: String, info: MediaInfo, verdict: Verdict, preparation: ConformOptions?)
    /// This exact request was made before: it goes on from that continuation.
    case resumingEarlier(continuationID: String, finished: Bool)
    /// Done before, its files all there: nothing is done now.
    case alreadyDone(paths: [String])

    // MARK: A shot

    case savedEarlier(ShotNumber, path: String)
    /// A job submitted before (by an earlier run) is waited for, not submitted again.
    case waitingForEarlierJob(ShotNumber, job: String)
    /// The clip is being cut or conformed into `path` before it is sent.
    case preparing(ShotNumber, path: String, options: ConformOptions)
    case conforming(ShotNumber, done: Double, total: Double)
    /// What will be sent, once made.
    case sending(ShotNumber, path: String, report: ConformReport)
    case uploading(ShotNumber, file: String, progress: TransferProgress)
    case uploaded(ShotNumber, file: String, bytes: Int64, how: UploadOrigin)
    /// Ctrl-C came after the POST may have left: waiting for Segmind's answer, so the job is not lost.
    case awaitingSubmissionAnswer(ShotNumber)
    case submitted(ShotNumber, requestID: RequestID?, aspect: AspectRatioOption, duration: Int)
    /// What following the job brought: polls, completion, the download, skipped URLs.
    case job(ShotNumber, JobTracker.Event)
    case saved(ShotNumber, path: String, info: MediaInfo)

    // MARK: The result

    /// The stitch is being made ahead, while the last shot's job runs, for the shot predicted.
    case stitchingAhead(prediction: ShotPrediction)
    /// How far the stitch made ahead is (seconds of the clips before the shot).
    case stitchingAheadProgress(done: Double, total: Double)
    /// The stitch made ahead is ready: only the shot's packets remain to be copied.
    case stitchedAhead
    /// The stitch made ahead could not be used (the shot is not as predicted, say): stitching as usual.
    case stitchAheadUnused(reason: String)
    case stitching(done: Double, total: Double)
    case stitched(output: String, report: StitchReport)
    /// The result's joints, scored, and its seam sheet.
    case seamsReviewed(SeamReport)
    /// No seam sheet or scores (the result itself is made).
    case seamsUnavailable(reason: String)
}

/// Where an uploaded file's URL came from.
public enum UploadOrigin: String, Sendable, Encodable {
    /// Sent now.
    case sent
    /// The upload cache knew these bytes (their URL still answers): nothing was sent.
    case cached
    /// Uploaded earlier in this run (or being uploaded now): for another line, or for this one
    /// while it waited for its place at Segmind.
    case sharedInThisRun = "shared_in_this_run"
}

/// Where events go; called from any task.
public typealias PipelineEvents = @Sendable (PipelineEvent) -> Void
