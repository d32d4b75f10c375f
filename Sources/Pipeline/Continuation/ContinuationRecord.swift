import Journal
import MediaKit
import Support

/// One `kling-media continue`: what was asked (the clip, references, prompt and options), where
/// every file goes, and which job makes each shot. Written before the first upload and updated
/// as each step is done, so a continuation cut off at any point (Ctrl-C, a crash, a reboot, a
/// chain stopped at shot 3 of 5) resumes where it stood, without submitting a shot twice.
public struct ContinuationRecord: JournalRecord, Equatable {
    public enum State: String, Codable, Sendable {
        /// Shots are being made, or were when the process stopped.
        case running
        /// Every shot is saved, and stitched when asked.
        case done
        /// Stopped on an error that needs the user (see `error`); running it again resumes.
        case stopped
    }

    public var localID: String
    /// SHA-256 of what was asked (`ContinuationRecord.key`): the same command run again finds it.
    public var key: String
    public var createdAt: Date
    public var updatedAt: Date
    public var apiBase: String
    public var request: ContinuationRequest
    /// The stitched result (the one asked for, or the default name free when this was made); nil
    /// when only the shots are wanted.
    public var outputPath: String?
    /// Where each generated shot is saved, in order.
    public var shotPaths: [String]
    /// Where the clip actually sent for shot 1 goes when the source must be cut or conformed first.
    public var sentPath: String
    /// Per shot, the local id of the job making it, once one is submitted.
    public var jobs: [String?]
    public var state: State
    public var error: String?
    /// The stitch made while the last shot's job ran (`StitchAhead`), once finished: a run
    /// resumed later finishes it instead of stitching again.
    public var stitchAhead: PreparedStitch?
    /// The stitched result's joints as looked at when it was made (its seam sheet and scores): a
    /// review page shows them without decoding the result again.
    public var seams: SeamReport?

    public init(localID: String = UUID().uuidString.lowercased(), key: String, apiBase: String,
                request: ContinuationRequest, outputPath: String?, shotPaths: [String], sentPath: String,
                now: Date = JobRecord.now()) {
        self.localID = localID
        self.key = key
        createdAt = now
        updatedAt = now
        self.apiBase = apiBase
        self.request = request
        self.outputPath = outputPath
        self.shotPaths = shotPaths
        self.sentPath = sentPath
        jobs = Array(repeating: nil, count: shotPaths.count)
        state = .running
    }

    /// Continuations are found by their key (`ContinuationRequest.key`): the same command again.
    static let keyIndex = "key"

    public var lookupKeys: [(index: String, key: String)] { [(Self.keyIndex, key)] }

    enum CodingKeys: String, CodingKey {
        case localID = "local_id"
        case key
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case apiBase = "api_base"
        case request
        case outputPath = "output_path"
        case shotPaths = "shot_paths"
        case sentPath = "sent_path"
        case jobs, state, error
        case stitchAhead = "stitch_ahead"
        case seams
    }
}
