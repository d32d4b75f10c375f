import MediaKit
import Uploader

/// What a continuation made: its shots (the request ids that made them, where they are saved)
/// and the stitched result.
public struct ContinuationOutcome: Encodable, Sendable {
    public struct Shot: Encodable, Sendable, Equatable {
        public let shot: Int
        public let requestID: String?
        public let path: String
        /// The clip the shot was made from (the source, its cut or conformed copy, or the shot before).
        public let sent: String?

        enum CodingKeys: String, CodingKey {
            case shot, path, sent
            case requestID = "request_id"
        }
    }

    public let localID: String
    /// True when this exact request was done before and nothing was done now.
    public let alreadyDone: Bool
    public let output: String?
    public let shots: [Shot]
    /// How the stitching went, when it was done now.
    public let stitch: StitchReport?

    enum CodingKeys: String, CodingKey {
        case localID = "continuation_id"
        case alreadyDone = "already_done"
        case output, shots, stitch
    }
}

/// `continue --dry-run`: the request body as it would be sent, local paths in place of URLs.
public struct DryRunReport: Encodable, Sendable {
    public struct Upload: Encodable, Sendable, Equatable {
        public let path: String
        public let bytes: Int64
        /// The upload cache knows these bytes (its URL is checked only when it is used).
        public let cached: Bool
    }

    /// Exactly as it would be sent (`KlingRequest.wireBody`).
    public let body: JSONBody
    /// The clip that would go as @Video1: the source, or the cut or conformed copy made first.
    public let sentClip: String
    /// What would be done to the clip first, if anything.
    public let preparation: String?
    public let uploads: [Upload]
    /// Seconds of video the model would generate (and bill).
    public let generatedSeconds: Double
    public let shots: Int
    /// The stitched result's length, when one is asked for.
    public let stitchedSeconds: Double?
    public let output: String?

    enum CodingKeys: String, CodingKey {
        case body = "request_body"
        case sentClip = "sent_clip"
        case preparation, uploads, shots, output
        case generatedSeconds = "generated_seconds"
        case stitchedSeconds = "stitched_seconds"
    }
}
