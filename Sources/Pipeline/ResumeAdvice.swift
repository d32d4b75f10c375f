import Foundation
import Segmind

/// What to run to go on after a Ctrl-C, by what had happened: nothing sent (run the command
/// again), a job in flight (`wait ID`), or the shots saved but not stitched (`resume ID`). The
/// command's words depend on whether the session was a simulation (`--simulate` then).
public enum ResumeAdvice: Sendable, Equatable {
    /// Nothing had left; `detail` says what was stopped.
    case runAgain(detail: String)
    /// The job goes on; waiting for it finishes the shot (and the stitching, when there is one).
    case wait(RequestID, stitching: Bool)
    /// Every shot is saved; resuming the continuation stitches them.
    case resume(continuation: String)
    /// The job is done and paid for, but its file could not be saved; waiting for it again
    /// downloads it (no new job) while Segmind keeps its record.
    case download(RequestID, stitching: Bool, recordExpiresAt: Date)

    public func text(simulated: Bool) -> String {
        let flag = simulated ? " --simulate" : ""
        switch self {
        case .runAgain(let detail):
            return "\(detail); run the same command again"
        case .wait(let requestID, let stitching):
            return "job \(requestID) goes on at \(simulated ? "the simulator" : "Segmind"); "
                + "`kling-media wait \(requestID)\(flag)` finishes it (download\(stitching ? " and stitch" : ""))"
        case .resume(let continuation):
            return "the shots are saved; `kling-media resume \(continuation)\(flag)` stitches them"
        case .download(let requestID, let stitching, let expiry):
            let keeper = simulated ? "the simulator" : "Segmind"
            let record = expiry > Date() ? "\(keeper) keeps its record until \(expiry.formatted(Date.ISO8601FormatStyle()))"
                : "\(keeper)'s record of it ended at \(expiry.formatted(Date.ISO8601FormatStyle())): only the links kept can be tried"
            return "job \(requestID) is done\(simulated ? " at the simulator" : " and paid for"): once that is mended, "
                + "`kling-media wait \(requestID)\(flag)` downloads it" + (stitching ? " and stitches" : "")
                + " without a new job (\(record))"
        }
    }
}
