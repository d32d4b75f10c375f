import HTTP

/// How one run goes about what is asked (not part of what is asked, so not part of its identity).
public struct RunOptions: Sendable {
    /// Make a new take even though this exact continuation was done before (it is paid for again).
    public var again = false
    /// Replace a file already at the stitched result's path asked for (`-o`); without it, a new
    /// continuation refuses one before anything is sent.
    public var overwrite = false
    /// Make the stitch while the last shot's job runs (`StitchAhead`), so the result is a remux
    /// when the shot arrives.
    public var stitchAhead = true
    /// Submit again a shot whose earlier job FAILED or expired unfetched.
    public var retryFailed = false
    /// Submit again a shot whose earlier submission's answer was lost (it may be billed twice).
    public var resubmitUnknown = false
    /// Stop waiting for a shot after this (the job goes on; resuming waits again).
    public var deadline: ContinuousClock.Instant?
    /// Seconds a cancelled submission keeps waiting for its answer once its POST may have left.
    public var answerPatience: Double = 15
    /// Stopped (by a second Ctrl-C) to give up waiting for submissions' answers at once.
    public var stopWaiting = StopSignal()
    /// Look at the stitched result's joints: scores, and `RESULT.seams.png` (`SeamReview`).
    public var seams = true
    /// The most a shot's download may be.
    public var maxDownloadBytes: Int64 = Downloader.defaultMaxBytes

    public init(again: Bool = false, retryFailed: Bool = false, resubmitUnknown: Bool = false, deadline: ContinuousClock.Instant? = nil) {
        self.again = again
        self.retryFailed = retryFailed
        self.resubmitUnknown = resubmitUnknown
        self.deadline = deadline
    }
}
