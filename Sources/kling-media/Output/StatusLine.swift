import Synchronization

/// A line on standard error that rewrites itself in place (a terminal only): live progress that
/// leaves standard output to results. Safe from any thread: transfers report from libcurl's.
final class StatusLine: Sendable {
    private let enabled: Bool
    private let shown = Mutex(false)

    /// Shown only when `wanted` (not with --json) and standard error is a terminal.
    init(wanted: Bool = true) {
        enabled = wanted && isatty(STDERR_FILENO) != 0
    }

    /// `text` in place of what the line showed; cut to the terminal's width (less one column, as
    /// some terminals wrap on the last), since a line that wraps cannot be rewritten in place.
    func show(_ text: String) {
        guard enabled, Self.inForeground else { return }
        let fitted = TerminalColumns.ofStandardError.map { TerminalColumns.fitted(text, in: $0 - 1) } ?? text
        shown.withLock { shown in
            shown = true
            Terminal.writeError("\r\u{1B}[K" + fitted)
        }
    }

    /// Whether this process is its terminal's foreground job. One started with `&` keeps its status
    /// line to itself: rewritten a few times a second, it would clobber the line the user types on
    /// in the shell (its steps still print). A terminal that is not this process's own (started by
    /// a program with no job control) counts as the foreground.
    private static var inForeground: Bool {
        let group = tcgetpgrp(STDERR_FILENO)
        return group < 0 || group == getpgrp()
    }

    /// Ends the line so what follows starts on its own.
    func finish() {
        guard enabled else { return }
        shown.withLock { shown in
            guard shown else { return }
            shown = false
            Terminal.writeError("\r\u{1B}[K")
        }
    }
}
