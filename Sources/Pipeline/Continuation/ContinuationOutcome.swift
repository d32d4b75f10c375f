import MediaKit
import Segmind

/// What a continuation made: its shots (the request ids that made them, where they are saved)
/// and the stitched result.
public struct ContinuationOutcome: Encodable, Sendable {
    public struct Shot: Encodable, Sendable, Equatable {
        public let shot: Int
        public let requestID: RequestID?
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
    /// The joints of the stitched result, looked at (when it was stitched now and seams were asked for).
    public var seams: SeamReport?

    enum CodingKeys: String, CodingKey {
        case localID = "continuation_id"
        case alreadyDone = "already_done"
        case output, shots, stitch, seams
    }
}
