#if canImport(Glibc)
import Glibc
#endif

/// A line on standard error that rewrites itself in place (a terminal only): live progress that
/// leaves standard output to results.
final class StatusLine: @unchecked Sendable {
    // Only the task running the command touches it; @unchecked because callbacks may be typed
    // @Sendable although they run on that same task.
    private let enabled: Bool
    private var shown = false

    /// Shown only when `wanted` (not with --json) and standard error is a terminal.
    init(wanted: Bool = true) {
        enabled = wanted && isatty(STDERR_FILENO) != 0
    }

    func show(_ text: String) {
        guard enabled else { return }
        shown = true
        Terminal.writeError("\r\u{1B}[K" + text)
    }

    /// Ends the line so what follows starts on its own.
    func finish() {
        guard enabled, shown else { return }
        shown = false
        Terminal.writeError("\r\u{1B}[K")
    }
}
