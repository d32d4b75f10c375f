import FoundationEssentials

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
    }
}

/// What a continuation asks for: the inputs (absolute paths, or URLs for references) and options.
public struct ContinuationRequest: Codable, Sendable, Equatable {
    /// The clip continued, whole; stitched in front of the new shots.
    public var source: String
    public var references: [String]
    /// Each element: its frontal image, then its reference images.
    public var elements: [[String]]
    public var prompt: String
    public var duration: Int
    /// `auto`, `16:9`, `9:16` or `1:1` as asked; `auto` is resolved from each shot's input clip.
    public var aspect: String
    public var keepAudio: Bool
    /// Shots to generate, each from the end of the one before.
    public var shots: Int
    /// Seconds of the source's end to send (nil: all of it when the model takes it, else as much as it does).
    public var tail: Double?
    /// Conform the source when it breaks a rule other than its length.
    public var conform: Bool
    public var crossfade: Double
    /// Stitch the shots after the clip (else keep only the shots).
    public var stitch: Bool
    /// The stitched result as asked (with `stitch`), or the shot's name (without); nil for the default.
    public var output: String?

    public init(source: String, references: [String] = [], elements: [[String]] = [], prompt: String, duration: Int = 5,
                aspect: String = "auto", keepAudio: Bool = false, shots: Int = 1, tail: Double? = nil,
                conform: Bool = false, crossfade: Double = 0, stitch: Bool = true, output: String? = nil) {
        self.source = source
        self.references = references
        self.elements = elements
        self.prompt = prompt
        self.duration = duration
        self.aspect = aspect
        self.keepAudio = keepAudio
        self.shots = shots
        self.tail = tail
        self.conform = conform
        self.crossfade = crossfade
        self.stitch = stitch
        self.output = output
    }

    enum CodingKeys: String, CodingKey {
        case source, references, elements, prompt, duration, aspect, shots, tail, conform, crossfade, stitch, output
        case keepAudio = "keep_audio"
    }

    /// The identity of this request: its options and the content of its local files. Running the
    /// same command again (or a batch again) finds the continuation it started, instead of paying
    /// for a second one; changing the clip, a reference or an option makes a new one.
    public func key(contentHashes: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let options = (try? encoder.encode(self)).map { Array($0) } ?? []
        return ContentHash.sha256(of: options + Array(contentHashes.joined(separator: ",").utf8))
    }
}
