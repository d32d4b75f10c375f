import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Where the CLI's words go: results to standard output, diagnostics to standard error.
enum Terminal {
    static func print(_ line: String) {
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// Text on standard error, as it is.
    static func printError(_ text: String) {
        write(text + "\n", to: STDERR_FILENO)
    }

    /// Text on standard error without a line end (for a status line).
    static func writeError(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Unbuffered, whole: each line reaches a pipe at once, so a script reading `probe` output
    /// sees every file's result as soon as it is known.
    private static func write(_ text: String, to descriptor: Int32) {
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            remaining = remaining.dropFirst(written)
        }
    }

    /// A failure, as one line on standard error after the tool's name.
    static func report(_ error: any Error) {
        printError("kling-media: \(error)")
    }

    /// Prints a failure and ends the command with the status that belongs to it.
    static func fail(_ error: any Error, status: ExitStatus) -> ExitCode {
        report(error)
        return status.code
    }
}
