import ArgumentParser
import Synchronization
import SystemPackage

/// Where the CLI's words go: results to standard output, diagnostics to standard error.
enum Terminal {
    static func print(_ line: String) {
        write(line + "\n", to: .standardOutput)
    }

    /// Text on standard error, as it is.
    static func printError(_ text: String) {
        write(text + "\n", to: .standardError)
    }

    /// Text on standard error without a line end (for a status line).
    static func writeError(_ text: String) {
        write(text, to: .standardError)
    }

    /// Unbuffered, whole: each line reaches a pipe at once, so a script reading `probe` output
    /// sees every file's result as soon as it is known. A closed pipe is not an error worth more
    /// (SIGPIPE is ignored: see `Main`); that standard output was closed is noted for commands that
    /// only read and print (`isReadByNobody`).
    private static func write(_ text: String, to descriptor: FileDescriptor) {
        do { try descriptor.writeAll(Array(text.utf8)) } catch .brokenPipe where descriptor == .standardOutput {
            standardOutputClosed.store(true, ordering: .relaxed)
        } catch {}
    }

    private static let standardOutputClosed = Atomic(false)

    /// Whether what standard output gets is read by nobody (its pipe's reader has gone, as `head`
    /// goes after its lines): a command that only reads and prints stops there, rather than
    /// probing a thousand more files for nobody.
    static var isReadByNobody: Bool { standardOutputClosed.load(ordering: .relaxed) }

    /// A failure, as one line on standard error after the tool's name.
    static func report(_ error: any Error) {
        FailureDocument.record("\(error)")
        printError("kling-media: \(error)")
    }

    /// A failure said in words of our own: one line on standard error, and the message of the
    /// `--json` failure document.
    static func reportFailure(_ text: String) {
        FailureDocument.record(text)
        printError("kling-media: \(text)")
    }

    /// Prints a failure and ends the command with the status that belongs to it.
    static func fail(_ error: any Error, status: ExitStatus) -> ExitCode {
        report(error)
        return status.code
    }
}
