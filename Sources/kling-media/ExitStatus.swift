import ArgumentParser

/// The exit statuses every command shares, as documented in `--help` and the README.
enum ExitStatus: Int32 {
    /// Done; for `validate`, the input is valid (warnings allowed).
    case success = 0
    /// The input is readable but the model would reject it.
    case invalid = 1
    /// Arguments that cannot be used, or input that cannot be read.
    case unusable = 2

    var code: ExitCode { ExitCode(rawValue) }
}
