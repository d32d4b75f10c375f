import Synchronization

/// An edit's progress passed on at most once per whole percent. The edits call back once a frame
/// (1,440 times for a minute at 24 fps): on a terminal each is a redraw of the status line, and
/// under `--json` a line for the script to read, with nothing new in most of them.
final class ProgressSteps: Sendable {
    private let lastPercent = Mutex(-1)

    /// Whether (`done`, `total`) reaches a percent not passed on yet; the first call always does.
    func isNewStep(done: Double, total: Double) -> Bool {
        let percent = total > 0 ? Int((min(max(done / total, 0), 1) * 100).rounded(.down)) : 0
        return lastPercent.withLock { last in
            guard percent != last else { return false }
            last = percent
            return true
        }
    }
}
