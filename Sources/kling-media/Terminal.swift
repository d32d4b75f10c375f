#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where the CLI's words go: results to standard output, diagnostics to standard error.
enum Terminal {
    static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Text on standard error, as it is.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A failure, as one line on standard error after the tool's name.
    static func report(_ error: any Error) {
        printError("kling-media: \(error)")
    }

    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}
