import MediaKit

/// One continuation as a review page shows it: what was asked, how it stands, and what to look at.
/// Paths are absolute; the page makes them relative to itself.
public struct ReviewCard: Sendable, Equatable {
    /// The batch line it came from, when it came from one.
    public let line: Int?
    public let clip: String
    public let prompt: String
    /// "done", "running", "stopped", or "not started" (refused before it was journalled).
    public let state: String
    public let error: String?
    public let requestIDs: [String]
    /// The stitched result (or, without stitching, the last shot): the page's video.
    public let video: String?
    /// The clip's last frame and the first shot's first frame, as displayed (JPEG, made for the page).
    public let clipLastFrame: String?
    public let shotFirstFrame: String?
    /// The result's joints: the sheet and the scores.
    public let seams: SeamReport?
}
