import Support
import Synchronization

/// Progress of an edit on the status line: percent of the output's time, and speed as a multiple
/// of real time (2.5× means a 10 s clip takes 4 s). Updates at most ten times a second.
final class EditMeter: Sendable {
    private let line: StatusLine
    private let verb: String
    private let started = ContinuousClock.now
    private let lastShown = Mutex<ContinuousClock.Instant?>(nil)

    init(_ verb: String, line: StatusLine) {
        self.verb = verb
        self.line = line
    }

    func update(done: Double, total: Double) {
        let now = ContinuousClock.now
        let due = lastShown.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100) { return false }
            last = now
            return true
        }
        guard due, total > 0 else { return }
        let elapsed = (now - started).inSeconds
        let percent = Int((min(done / total, 1) * 100).rounded(.down))
        let speed = elapsed > 0 ? " at \(Formatting.fixed(done / elapsed, places: 1))× real time" : ""
        line.show("\(verb): \(percent)% (\(Formatting.seconds(done)) of \(Formatting.seconds(total)))\(speed)")
    }

    /// Seconds since the meter started, for the summary line.
    var elapsed: Double { (ContinuousClock.now - started).inSeconds }
}
